// Command csi-mock-driver serves Kubernetes' e2e CSI mock driver
// (k8s.io/kubernetes/test/e2e/storage/drivers/csi-test/mock/service, the stateful in-memory driver
// csi-test shipped as mock-driver until v4.3) on a unix socket, so conformal's CSI suite can be run
// against an independent implementation. Only the wiring is ours: flags map onto service.Config,
// the three CSI services go on one gRPC server, SIGTERM/SIGINT stop it gracefully.
//
// Built in test/go-peers with the other Kubernetes v1.37.2 peers (.ci/setup/80-go-peers.sh).
//
// Usage: csi-mock-driver -endpoint unix:///path/csi.sock [-name NAME] [-attach-limit N] [...]
// The mock has no separate node id: NodeGetInfo answers the driver name (-name) as node_id.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/container-storage-interface/spec/lib/go/csi"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"k8s.io/kubernetes/test/e2e/storage/drivers/csi-test/mock/service"
)

type options struct {
	endpoint string
	verbose  bool
	config   service.Config
}

func parseFlags(args []string) (options, error) {
	var o options
	fs := flag.NewFlagSet("csi-mock-driver", flag.ContinueOnError)
	fs.StringVar(&o.endpoint, "endpoint", "", "unix:///path/to/csi.sock to listen on (required)")
	fs.StringVar(&o.config.DriverName, "name", service.Name, "driver name (GetPluginInfo) and node id (NodeGetInfo)")
	fs.Int64Var(&o.config.AttachLimit, "attach-limit", 0, "max_volumes_per_node in NodeGetInfo and the ControllerPublishVolume limit (0: none)")
	fs.BoolVar(&o.config.DisableAttach, "disable-attach", false, "drop PUBLISH_UNPUBLISH_VOLUME; ControllerPublish/Unpublish answer UNIMPLEMENTED")
	fs.BoolVar(&o.config.NodeExpansionRequired, "node-expansion-required", false, "advertise node EXPAND_VOLUME and ask for node expansion after ControllerExpandVolume")
	fs.BoolVar(&o.config.NodeVolumeConditionRequired, "node-volume-condition", false, "advertise node GET_VOLUME_HEALTH (CSI v1.13 alpha, the successor of VOLUME_CONDITION; v1.12 defines no such type)")
	fs.BoolVar(&o.config.VolumeMountGroupRequired, "volume-mount-group", false, "advertise node VOLUME_MOUNT_GROUP")
	fs.BoolVar(&o.config.DisableControllerExpansion, "disable-controller-expansion", false, "drop controller EXPAND_VOLUME")
	fs.BoolVar(&o.config.DisableOnlineExpansion, "disable-online-expansion", false, "advertise OFFLINE instead of ONLINE volume expansion")
	fs.BoolVar(&o.config.PermissiveTargetPath, "permissive-target-path", false, "accept a NodePublishVolume target path that already exists")
	fs.BoolVar(&o.config.EnableTopology, "enable-topology", false, "advertise VOLUME_ACCESSIBILITY_CONSTRAINTS with the one segment "+service.TopologyKey+"="+service.TopologyValue)
	fs.BoolVar(&o.verbose, "v", false, "log every RPC and its status code to stderr")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("unexpected arguments: %s", strings.Join(fs.Args(), " "))
	}
	if !strings.HasPrefix(o.endpoint, "unix://") || len(o.endpoint) == len("unix://") {
		return o, fmt.Errorf("-endpoint must be unix:///path/to/socket, got %q", o.endpoint)
	}
	if o.config.DriverName == "" {
		return o, errors.New("-name must not be empty")
	}
	if o.config.AttachLimit < 0 {
		return o, fmt.Errorf("-attach-limit must be >= 0, got %d", o.config.AttachLimit)
	}
	return o, nil
}

// logCalls prints one line per RPC; the mock itself logs nothing useful to a person.
func logCalls(ctx context.Context, req any, info *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (any, error) {
	started := time.Now()
	reply, err := handler(ctx, req)
	fmt.Fprintf(os.Stderr, "%s %s %s\n", info.FullMethod, status.Code(err), time.Since(started).Round(time.Microsecond))
	return reply, err
}

// recoverPanics turns a panic inside one RPC into INTERNAL for that call. Without it a single bad
// request (the mock panics on a negative ListVolumes max_entries) kills the process and every later
// test fails with UNAVAILABLE instead of the one test that found the bug.
func recoverPanics(ctx context.Context, req any, info *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (reply any, err error) {
	defer func() {
		if p := recover(); p != nil {
			fmt.Fprintf(os.Stderr, "csi-mock-driver: %s panicked: %v\n", info.FullMethod, p)
			reply, err = nil, status.Errorf(codes.Internal, "mock driver panicked: %v", p)
		}
	}()
	return handler(ctx, req)
}

func run(args []string) int {
	o, err := parseFlags(args)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		fmt.Fprintln(os.Stderr, "csi-mock-driver:", err)
		return 2
	}
	path := strings.TrimPrefix(o.endpoint, "unix://")
	// A socket left by a killed earlier run would make Listen fail with EADDRINUSE.
	if err := os.Remove(path); err != nil && !os.IsNotExist(err) {
		fmt.Fprintln(os.Stderr, "csi-mock-driver: removing stale socket:", err)
		return 1
	}
	listener, err := net.Listen("unix", path)
	if err != nil {
		fmt.Fprintln(os.Stderr, "csi-mock-driver:", err)
		return 1
	}

	interceptors := []grpc.UnaryServerInterceptor{recoverPanics}
	if o.verbose {
		interceptors = append([]grpc.UnaryServerInterceptor{logCalls}, interceptors...)
	}
	server := grpc.NewServer(grpc.ChainUnaryInterceptor(interceptors...))
	mock := service.New(o.config)
	csi.RegisterIdentityServer(server, mock)
	csi.RegisterControllerServer(server, mock)
	csi.RegisterNodeServer(server, mock)

	signals := make(chan os.Signal, 1)
	signal.Notify(signals, syscall.SIGTERM, syscall.SIGINT)
	go func() {
		<-signals
		server.GracefulStop()
	}()

	fmt.Fprintf(os.Stderr, "csi-mock-driver: %s serving on %s\n", o.config.DriverName, o.endpoint)
	// Serve returns nil after GracefulStop; it closes the listener, which unlinks the socket file.
	if err := server.Serve(listener); err != nil && !errors.Is(err, grpc.ErrServerStopped) {
		fmt.Fprintln(os.Stderr, "csi-mock-driver:", err)
		return 1
	}
	return 0
}

func main() {
	os.Exit(run(os.Args[1:]))
}
