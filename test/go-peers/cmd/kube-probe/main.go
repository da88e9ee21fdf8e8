// kube-probe drives a Kubernetes API server the way real controllers do, with client-go's default
// settings (typed clients send protobuf and accept protobuf or JSON) and its metadata client, and
// prints what it observed as JSON, so the same run against the in-memory server and against
// kube-apiserver can be compared (test/kube/kube-probe.test.ts).
//
//	kube-probe script --kubeconfig FILE --namespace NS   observations of a scripted sequence
//	kube-probe wire                                      every built-in kind, fully filled and empty,
//	                                                     as protobuf and as Go's JSON
package main

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	authenticationv1 "k8s.io/api/authentication/v1"
	authorizationv1 "k8s.io/api/authorization/v1"
	autoscalingv1 "k8s.io/api/autoscaling/v1"
	coordinationv1 "k8s.io/api/coordination/v1"
	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	eventsv1 "k8s.io/api/events/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/kubernetes/scheme"
)

func main() {
	if len(os.Args) < 2 {
		fail(errors.New("usage: kube-probe script|wire [flags]"))
	}
	switch os.Args[1] {
	case "script":
		flags := flag.NewFlagSet("script", flag.ExitOnError)
		kubeconfig := flags.String("kubeconfig", "", "kubeconfig of the server to probe")
		namespace := flags.String("namespace", "kube-probe", "namespace the probe creates and works in")
		_ = flags.Parse(os.Args[2:])
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		observations, err := runScript(ctx, *kubeconfig, *namespace)
		if err != nil {
			fail(err)
		}
		print(observations)
	case "wire":
		samples, err := wireSamples()
		if err != nil {
			fail(err)
		}
		print(samples)
	default:
		fail(fmt.Errorf("unknown mode %q", os.Args[1]))
	}
}

func print(value any) {
	out, err := json.MarshalIndent(value, "", " ")
	if err != nil {
		fail(err)
	}
	fmt.Println(string(out))
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "kube-probe:", err)
	os.Exit(1)
}

// observation is one step of the script: the API error it met (code and reason) or the fields
// it chose to report.
type observation struct {
	Step   string         `json:"step"`
	Code   int32          `json:"code,omitempty"`
	Reason string         `json:"reason,omitempty"`
	Error  string         `json:"error,omitempty"`
	Fields map[string]any `json:"fields,omitempty"`
}

func observe(step string, err error, fields map[string]any) observation {
	o := observation{Step: step, Fields: fields}
	var status apierrors.APIStatus
	if errors.As(err, &status) {
		o.Code = status.Status().Code
		o.Reason = string(status.Status().Reason)
	} else if err != nil {
		// Not an API error: the client could not decode or send (what this probe is for).
		o.Error = err.Error()
	}
	return o
}

// wireKinds are the built-in kinds the in-memory server decodes from protobuf.
func wireKinds() []runtime.Object {
	return []runtime.Object{
		&corev1.Namespace{}, &corev1.Node{}, &corev1.Service{}, &corev1.Endpoints{}, &corev1.Pod{}, &corev1.Secret{},
		&corev1.ConfigMap{}, &corev1.ServiceAccount{}, &corev1.Event{}, &eventsv1.Event{}, &discoveryv1.EndpointSlice{},
		&coordinationv1.Lease{}, &appsv1.Deployment{}, &appsv1.ReplicaSet{}, &autoscalingv1.Scale{},
		&authorizationv1.SelfSubjectAccessReview{}, &authenticationv1.SelfSubjectReview{}, &metav1.DeleteOptions{},
	}
}

type wireSample struct {
	APIVersion string          `json:"apiVersion"`
	Kind       string          `json:"kind"`
	Variant    string          `json:"variant"`
	Protobuf   string          `json:"protobuf"`
	JSON       json.RawMessage `json:"json"`
}

// wireSamples encodes every kind twice: with every field set (so a field missing from the
// server's table, or under a wrong number, shows) and empty (so Go's zero values show).
func wireSamples() ([]wireSample, error) {
	var out []wireSample
	for _, kind := range wireKinds() {
		gvk, err := kindOf(kind)
		if err != nil {
			return nil, err
		}
		for _, variant := range []string{"filled", "empty"} {
			obj := kind.DeepCopyObject()
			if variant == "filled" {
				fillObject(obj)
			}
			obj.GetObjectKind().SetGroupVersionKind(gvk)
			pb, err := encodeProtobuf(obj)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", gvk, err)
			}
			js, err := json.Marshal(obj)
			if err != nil {
				return nil, err
			}
			apiVersion, kindName := gvk.ToAPIVersionAndKind()
			out = append(out, wireSample{APIVersion: apiVersion, Kind: kindName, Variant: variant, Protobuf: base64.StdEncoding.EncodeToString(pb), JSON: js})
		}
	}
	return out, nil
}

func kindOf(obj runtime.Object) (schema.GroupVersionKind, error) {
	if _, ok := obj.(*metav1.DeleteOptions); ok {
		return schema.GroupVersionKind{Version: "v1", Kind: "DeleteOptions"}, nil
	}
	kinds, _, err := scheme.Scheme.ObjectKinds(obj)
	if err != nil {
		return schema.GroupVersionKind{}, err
	}
	return kinds[0], nil
}
