// Prints src/kube/wire-schema.ts: for every built-in kind the in-memory API server decodes, the
// fields of each Go type as the wire sees them (JSON name, protobuf number, type, pointer,
// omitempty, omitzero, inline), read by reflection from the k8s.io/api types of the Kubernetes release
// the server models. Run through scripts/kube-wire/generate.sh, which pins that release.
package main

import (
	"fmt"
	"os"
	"reflect"
	"sort"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	authenticationv1 "k8s.io/api/authentication/v1"
	authorizationv1 "k8s.io/api/authorization/v1"
	autoscalingv1 "k8s.io/api/autoscaling/v1"
	coordinationv1 "k8s.io/api/coordination/v1"
	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	eventsv1 "k8s.io/api/events/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

type root struct {
	apiVersion, kind string
	value            any
}

var roots = []root{
	{"v1", "Namespace", corev1.Namespace{}},
	{"v1", "Node", corev1.Node{}},
	{"v1", "Service", corev1.Service{}},
	{"v1", "Endpoints", corev1.Endpoints{}},
	{"v1", "Pod", corev1.Pod{}},
	{"v1", "Secret", corev1.Secret{}},
	{"v1", "ConfigMap", corev1.ConfigMap{}},
	{"v1", "ServiceAccount", corev1.ServiceAccount{}},
	{"v1", "Event", corev1.Event{}},
	{"events.k8s.io/v1", "Event", eventsv1.Event{}},
	{"discovery.k8s.io/v1", "EndpointSlice", discoveryv1.EndpointSlice{}},
	{"coordination.k8s.io/v1", "Lease", coordinationv1.Lease{}},
	{"apps/v1", "Deployment", appsv1.Deployment{}},
	{"apps/v1", "ReplicaSet", appsv1.ReplicaSet{}},
	{"autoscaling/v1", "Scale", autoscalingv1.Scale{}},
	{"authorization.k8s.io/v1", "SelfSubjectAccessReview", authorizationv1.SelfSubjectAccessReview{}},
	{"authentication.k8s.io/v1", "SelfSubjectReview", authenticationv1.SelfSubjectReview{}},
	// Every group serves DeleteOptions; typed clients send it as the body of a delete.
	{"*", "DeleteOptions", metav1.DeleteOptions{}},
}

// Types with their own JSON form; the server converts them by hand (wire.ts).
var special = map[string]string{
	"k8s.io/apimachinery/pkg/apis/meta/v1.Time":       "Time",
	"k8s.io/apimachinery/pkg/apis/meta/v1.MicroTime":  "MicroTime",
	"k8s.io/apimachinery/pkg/apis/meta/v1.FieldsV1":   "FieldsV1",
	"k8s.io/apimachinery/pkg/api/resource.Quantity":   "Quantity",
	"k8s.io/apimachinery/pkg/util/intstr.IntOrString": "IntOrString",
	"k8s.io/apimachinery/pkg/runtime.RawExtension":    "RawExtension",
	"k8s.io/api/authentication/v1.ExtraValue":         "ExtraValue",
	"k8s.io/api/authorization/v1.ExtraValue":          "ExtraValue",
}

type field struct {
	json   string
	number string
	code   string
	flags  string
	// goName is a named scalar's Go type (v1.ServiceType), for Go's decoding error texts.
	goName string
}

var (
	messages = map[reflect.Type][]field{}
	order    []reflect.Type
	names    = map[reflect.Type]string{}
)

func fullName(t reflect.Type) string { return t.PkgPath() + "." + t.Name() }

// group is the API group part of a package path (k8s.io/api/events/v1 -> events).
func group(t reflect.Type) string {
	parts := strings.Split(t.PkgPath(), "/")
	if len(parts) >= 2 {
		return parts[len(parts)-2]
	}
	return t.PkgPath()
}

func visit(t reflect.Type) {
	if _, ok := messages[t]; ok {
		return
	}
	messages[t] = nil
	order = append(order, t)
	var fields []field
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		pb, ok := f.Tag.Lookup("protobuf")
		if !ok {
			continue // TypeMeta and other fields the wire does not carry
		}
		jsonTag := f.Tag.Get("json")
		if jsonTag == "-" {
			continue
		}
		parts := strings.Split(jsonTag, ",")
		var flags string
		name := parts[0]
		for _, opt := range parts[1:] {
			switch opt {
			case "omitempty":
				flags += "o"
			case "omitzero":
				flags += "z"
			}
		}
		// encoding/json inlines an embedded struct whose tag names no field: `json:",inline"` (up to
		// k8s.io/api v0.32) and `json:""` (later releases) both do; the "inline" option itself means nothing to Go.
		if f.Anonymous && name == "" {
			flags += "i"
		}
		pbParts := strings.Split(pb, ",")
		number := pbParts[1]
		if name == "" {
			for _, p := range pbParts {
				if strings.HasPrefix(p, "name=") {
					name = strings.TrimPrefix(p, "name=")
				}
			}
		}
		ft := f.Type
		if ft.Kind() == reflect.Pointer {
			flags += "p"
			ft = ft.Elem()
		}
		goName := ""
		if ft.Kind() != reflect.Struct && ft.Kind() != reflect.Slice && ft.Kind() != reflect.Map && ft.Name() != "" && ft.PkgPath() != "" {
			goName = ft.String()
		}
		fields = append(fields, field{json: name, number: number, code: code(ft), flags: flags, goName: goName})
	}
	messages[t] = fields
}

func code(t reflect.Type) string {
	if t.Name() != "" {
		if s, ok := special[fullName(t)]; ok {
			return s
		}
	}
	switch t.Kind() {
	case reflect.String:
		return "s"
	case reflect.Bool:
		return "b"
	case reflect.Int32:
		return "i32"
	case reflect.Int64:
		return "i64"
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 {
			return "y"
		}
		return "[" + code(t.Elem()) + "]"
	case reflect.Map:
		if t.Key().Kind() != reflect.String {
			panic("map key " + t.String())
		}
		return "{" + code(t.Elem()) + "}"
	case reflect.Pointer:
		return code(t.Elem())
	case reflect.Struct:
		visit(t)
		return "@" + fullName(t) + "@"
	}
	panic("unsupported type " + t.String())
}

func main() {
	var rootTypes []reflect.Type
	for _, r := range roots {
		t := reflect.TypeOf(r.value)
		visit(t)
		rootTypes = append(rootTypes, t)
	}
	// Short names, qualified by group only where two groups use the same type name.
	count := map[string]int{}
	for _, t := range order {
		count[t.Name()]++
	}
	for _, t := range order {
		if count[t.Name()] > 1 {
			names[t] = group(t) + "." + t.Name()
		} else {
			names[t] = t.Name()
		}
	}
	resolve := func(c string) string {
		for _, t := range order {
			c = strings.ReplaceAll(c, "@"+fullName(t)+"@", names[t])
		}
		return c
	}
	sorted := append([]reflect.Type(nil), order...)
	sort.Slice(sorted, func(i, j int) bool { return names[sorted[i]] < names[sorted[j]] })

	out := &strings.Builder{}
	fmt.Fprintln(out, "// Generated by scripts/kube-wire/generate.sh from the k8s.io/api types of Kubernetes "+os.Getenv("KUBE_WIRE_VERSION")+"; do not edit.")
	fmt.Fprintln(out, "// One message per line: `Name field...`, each field `json:number:type:flags[:goType]` (see wire.ts).")
	fmt.Fprintln(out, "export const WIRE_MESSAGES = `")
	for _, t := range sorted {
		fmt.Fprint(out, names[t])
		for _, f := range messages[t] {
			fmt.Fprintf(out, " %s:%s:%s", f.json, f.number, resolve(f.code))
			if f.flags != "" || f.goName != "" {
				fmt.Fprintf(out, ":%s", f.flags)
			}
			if f.goName != "" {
				fmt.Fprintf(out, ":%s", f.goName)
			}
		}
		fmt.Fprintln(out)
	}
	fmt.Fprintln(out, "`;")
	fmt.Fprintln(out)
	fmt.Fprintln(out, "/** apiVersion/kind to message (`*` for every apiVersion). */")
	fmt.Fprintln(out, "export const WIRE_KINDS: Record<string, string> = {")
	for i, r := range roots {
		fmt.Fprintf(out, "  '%s/%s': '%s',\n", r.apiVersion, r.kind, names[rootTypes[i]])
	}
	fmt.Fprintln(out, "};")
	fmt.Print(out.String())
}
