package main

import (
	"bytes"
	"reflect"
	"time"

	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/serializer/protobuf"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/client-go/kubernetes/scheme"
)

// Values with a wire form of their own, set whole rather than field by field.
var (
	timeType      = reflect.TypeOf(metav1.Time{})
	microTimeType = reflect.TypeOf(metav1.MicroTime{})
	quantityType  = reflect.TypeOf(resource.Quantity{})
	intOrStrType  = reflect.TypeOf(intstr.IntOrString{})
	rawExtType    = reflect.TypeOf(runtime.RawExtension{})
	fieldsV1Type  = reflect.TypeOf(metav1.FieldsV1{})
	durationType  = reflect.TypeOf(metav1.Duration{})
	typeMetaType  = reflect.TypeOf(metav1.TypeMeta{})
)

// fillObject sets every field the wire carries to a non-zero value: one item per list and map,
// pointers allocated. Each scalar gets a value of its own (a counter), so two fields swapped
// in the server's table would show.
func fillObject(obj runtime.Object) {
	counter := 0
	fill(reflect.ValueOf(obj).Elem(), &counter, 0)
}

func fill(v reflect.Value, counter *int, depth int) {
	if depth > 24 {
		return
	}
	*counter++
	n := *counter
	switch v.Type() {
	case timeType:
		v.Set(reflect.ValueOf(metav1.NewTime(time.Date(2026, 1, 2, 3, 4, n%60, 0, time.UTC))))
		return
	case microTimeType:
		v.Set(reflect.ValueOf(metav1.NewMicroTime(time.Date(2026, 1, 2, 3, 4, n%60, 123456000, time.UTC))))
		return
	case quantityType:
		v.Set(reflect.ValueOf(resource.MustParse("1500m")))
		return
	case intOrStrType:
		if n%2 == 0 {
			v.Set(reflect.ValueOf(intstr.FromInt32(int32(n))))
		} else {
			v.Set(reflect.ValueOf(intstr.FromString("port-name")))
		}
		return
	case rawExtType:
		v.Set(reflect.ValueOf(runtime.RawExtension{Raw: []byte(`{"a":1}`)}))
		return
	case fieldsV1Type:
		v.Set(reflect.ValueOf(metav1.FieldsV1{Raw: []byte(`{"f:a":{}}`)}))
		return
	case durationType, typeMetaType:
		return
	}
	switch v.Kind() {
	case reflect.Pointer:
		v.Set(reflect.New(v.Type().Elem()))
		fill(v.Elem(), counter, depth+1)
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			f := v.Type().Field(i)
			if _, wired := f.Tag.Lookup("protobuf"); !wired || !f.IsExported() {
				continue
			}
			fill(v.Field(i), counter, depth+1)
		}
	case reflect.String:
		v.SetString("s" + itoa(n))
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Int32, reflect.Int64:
		v.SetInt(int64(n))
	case reflect.Slice:
		if v.Type().Elem().Kind() == reflect.Uint8 {
			v.SetBytes([]byte("bytes" + itoa(n)))
			return
		}
		v.Set(reflect.MakeSlice(v.Type(), 1, 1))
		fill(v.Index(0), counter, depth+1)
	case reflect.Map:
		v.Set(reflect.MakeMap(v.Type()))
		item := reflect.New(v.Type().Elem()).Elem()
		fill(item, counter, depth+1)
		v.SetMapIndex(reflect.ValueOf("k"+itoa(n)).Convert(v.Type().Key()), item)
	}
}

func itoa(n int) string {
	digits := []byte{}
	for {
		digits = append([]byte{byte('0' + n%10)}, digits...)
		n /= 10
		if n == 0 {
			return string(digits)
		}
	}
}

// encodeProtobuf writes the object as client-go sends it: "k8s\0" and a runtime.Unknown.
func encodeProtobuf(obj runtime.Object) ([]byte, error) {
	var buf bytes.Buffer
	if err := protobuf.NewSerializer(scheme.Scheme, scheme.Scheme).Encode(obj, &buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
