// Command ccm runs upstream's cloud-controller-manager (k8s.io/cloud-provider) with upstream's fake
// cloud registered as provider "fake": the real controllers conformal's cloud suite is compared
// against. The same process serves conformal's cloud-control protocol
// (docs/cloud/cloud-control.openapi.yaml) on loopback by changing the fake cloud's fields, so the
// suite acts on this cloud exactly as it would on a vendor's. Built by .ci/setup; never shipped.
//
// Environment: CONFORMAL_CLOUD_CONTROL_ADDR (default 127.0.0.1:0) is where cloud-control listens;
// once it does, the line "cloud-control listening at http://HOST:PORT" goes to stderr. Every
// command-line flag is the CCM's own.
package main

import (
	"io"
	"os"

	"k8s.io/apimachinery/pkg/util/wait"
	cloudprovider "k8s.io/cloud-provider"
	"k8s.io/cloud-provider/app"
	"k8s.io/cloud-provider/app/config"
	"k8s.io/cloud-provider/names"
	"k8s.io/cloud-provider/options"
	"k8s.io/component-base/cli"
	cliflag "k8s.io/component-base/cli/flag"
	_ "k8s.io/component-base/logs/json/register"          // as upstream's sample main: optional JSON log format
	_ "k8s.io/component-base/metrics/prometheus/clientgo" // as upstream's sample main: client-go metrics
	_ "k8s.io/component-base/metrics/prometheus/version"  // as upstream's sample main: version metric
	"k8s.io/klog/v2"
)

const providerName = "fake"

func main() {
	peer := newPeerCloud(providerName)
	// The fake has no init of its own; registering our one instance lets upstream's
	// InitCloudProvider path stay exactly as in the sample main.
	cloudprovider.RegisterCloudProvider(providerName, func(io.Reader) (cloudprovider.Interface, error) {
		return peer, nil
	})
	ccmOptions, err := options.NewCloudControllerManagerOptions()
	if err != nil {
		klog.Fatalf("unable to initialize command options: %v", err)
	}
	initializer := func(c *config.CompletedConfig) cloudprovider.Interface {
		cloud := cloudInitializer(c)
		if cloud == peer {
			// Started here, not in main: flags are parsed (--help starts nothing) and the cluster
			// name the route controller lists routes under is known.
			peer.clusterName = c.ComponentConfig.KubeCloudShared.ClusterName
			addr := os.Getenv("CONFORMAL_CLOUD_CONTROL_ADDR")
			if addr == "" {
				addr = "127.0.0.1:0"
			}
			if err := serveCloudControl(peer, addr, os.Stderr); err != nil {
				klog.Fatalf("cloud-control could not listen on %s: %v", addr, err)
			}
		}
		return cloud
	}
	command := app.NewCloudControllerManagerCommand(ccmOptions, initializer, app.DefaultInitFuncConstructors, names.CCMControllerAliases(), cliflag.NamedFlagSets{}, wait.NeverStop)
	os.Exit(cli.Run(command))
}

// cloudInitializer is upstream's sample one (k8s.io/cloud-provider/sample/basic_main.go).
func cloudInitializer(c *config.CompletedConfig) cloudprovider.Interface {
	shared := c.ComponentConfig.KubeCloudShared
	cloud, err := cloudprovider.InitCloudProvider(shared.CloudProvider.Name, shared.CloudProvider.CloudConfigFile)
	if err != nil {
		klog.Fatalf("Cloud provider could not be initialized: %v", err)
	}
	if cloud == nil {
		klog.Fatalf("Cloud provider is nil")
	}
	if !cloud.HasClusterID() {
		if shared.AllowUntaggedCloud {
			klog.Warning("detected a cluster without a ClusterID.  A ClusterID will be required in the future.  Please tag your cluster to avoid any future issues")
		} else {
			klog.Fatalf("no ClusterID found.  A ClusterID is required for the cloud provider to function properly.  This check can be bypassed by setting the allow-untagged-cloud option")
		}
	}
	return cloud
}
