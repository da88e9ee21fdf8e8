package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
)

// serveCloudControl serves the cloud-control protocol (docs/cloud/cloud-control.openapi.yaml) for
// the peer on addr in the background and announces its URL on announce once it listens.
func serveCloudControl(p *peerCloud, addr string, announce io.Writer) error {
	listener, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	server := &http.Server{Handler: cloudControlHandler(p)}
	go func() {
		// Serve returns only when the listener fails; the CCM carries on without cloud-control.
		err := server.Serve(listener)
		fmt.Fprintf(announce, "cloud-control stopped: %v\n", err)
	}()
	_, err = fmt.Fprintf(announce, "cloud-control listening at http://%s\n", listener.Addr())
	return err
}

func cloudControlHandler(p *peerCloud) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /v1/info", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, map[string]any{
			"name":         "upstream-fake",
			"providerName": p.ProviderName(),
			"features": map[string]any{
				"instances": true, "instanceShutdown": true, "loadBalancers": true, "routes": true,
				"faults": []string{faultEnsureLoadBalancer, faultCreateRoute},
			},
		})
	})
	mux.HandleFunc("POST /v1/instances", func(w http.ResponseWriter, r *http.Request) {
		var req struct{ NodeName, Zone, InstanceType string }
		if !readJSON(w, r, &req) {
			return
		}
		if req.NodeName == "" {
			writeError(w, http.StatusBadRequest, "nodeName is required")
			return
		}
		inst, err := p.instances.create(req.NodeName, req.Zone, req.InstanceType)
		writeCreated(w, inst, err, errNodeNameTaken, http.StatusServiceUnavailable)
	})
	mux.HandleFunc("GET /v1/instances/{id}", func(w http.ResponseWriter, r *http.Request) {
		inst, ok := p.instances.get(r.PathValue("id"))
		writeInstance(w, inst, ok)
	})
	mux.HandleFunc("DELETE /v1/instances/{id}", func(w http.ResponseWriter, r *http.Request) {
		p.instances.remove(r.PathValue("id"))
		w.WriteHeader(http.StatusNoContent)
	})
	mux.HandleFunc("POST /v1/instances/{id}/stop", func(w http.ResponseWriter, r *http.Request) {
		inst, ok := p.instances.setState(r.PathValue("id"), stateStopped)
		writeInstance(w, inst, ok)
	})
	mux.HandleFunc("POST /v1/instances/{id}/start", func(w http.ResponseWriter, r *http.Request) {
		inst, ok := p.instances.setState(r.PathValue("id"), stateRunning)
		writeInstance(w, inst, ok)
	})
	mux.HandleFunc("GET /v1/load-balancers", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]any{"items": p.balancers.list(r.URL.Query().Get("serviceUID"))})
	})
	mux.HandleFunc("GET /v1/routes", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, map[string]any{"items": p.routes.list()})
	})
	mux.HandleFunc("POST /v1/routes", func(w http.ResponseWriter, r *http.Request) {
		var req struct {
			TargetNode, DestinationCIDR string
			Blackhole                   bool
		}
		if !readJSON(w, r, &req) {
			return
		}
		if _, _, err := net.ParseCIDR(req.DestinationCIDR); err != nil {
			writeError(w, http.StatusBadRequest, fmt.Sprintf("destinationCIDR: %v", err))
			return
		}
		route, err := p.routes.add(r.Context(), req.TargetNode, req.DestinationCIDR, req.Blackhole)
		writeCreated(w, route, err, errRouteExists, http.StatusInternalServerError)
	})
	mux.HandleFunc("DELETE /v1/routes", func(w http.ResponseWriter, r *http.Request) {
		cidr := r.URL.Query().Get("destinationCIDR")
		if cidr == "" {
			writeError(w, http.StatusBadRequest, "destinationCIDR is required")
			return
		}
		p.routes.removeDestination(cidr)
		w.WriteHeader(http.StatusNoContent)
	})
	mux.HandleFunc("PUT /v1/faults/{operation}", func(w http.ResponseWriter, r *http.Request) {
		operation := r.PathValue("operation")
		if !knownFault(operation) {
			writeError(w, http.StatusNotFound, fmt.Sprintf("this cloud cannot inject %q", operation))
			return
		}
		var f fault
		if !readJSON(w, r, &f) {
			return
		}
		if f.Message == "" {
			writeError(w, http.StatusBadRequest, "message is required")
			return
		}
		p.faults.arm(operation, f)
		w.WriteHeader(http.StatusNoContent)
	})
	mux.HandleFunc("DELETE /v1/faults/{operation}", func(w http.ResponseWriter, r *http.Request) {
		p.faults.clear(r.PathValue("operation"))
		w.WriteHeader(http.StatusNoContent)
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, fmt.Sprintf("no such operation: %s %s", r.Method, r.URL.Path))
	})
	return mux
}

func writeInstance(w http.ResponseWriter, inst instance, ok bool) {
	if !ok {
		writeError(w, http.StatusNotFound, "no such instance")
		return
	}
	writeJSON(w, http.StatusOK, inst)
}

// writeCreated answers 201 with what was created, 409 when err is the conflict, else failCode.
func writeCreated(w http.ResponseWriter, created any, err, conflict error, failCode int) {
	switch {
	case errors.Is(err, conflict):
		writeError(w, http.StatusConflict, err.Error())
	case err != nil:
		writeError(w, failCode, err.Error())
	default:
		writeJSON(w, http.StatusCreated, created)
	}
}

// readJSON decodes the request body (field names match case-insensitively); on failure it answers 400.
func readJSON(w http.ResponseWriter, r *http.Request, into any) bool {
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20)).Decode(into); err != nil {
		writeError(w, http.StatusBadRequest, fmt.Sprintf("request body: %v", err))
		return false
	}
	return true
}

func writeJSON(w http.ResponseWriter, code int, body any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(body)
}

func writeError(w http.ResponseWriter, code int, message string) {
	writeJSON(w, code, map[string]string{"message": message})
}
