// Command testgrid-junit reads JUnit files with testgrid's own parser
// (github.com/GoogleCloudPlatform/testgrid/metadata/junit) and prints, as JSON, what testgrid's
// updater would make of each file: rows (suite.testcase names), their status, the cell message cut to
// 140 characters, and counts. It mirrors the row rules of pkg/updater/gcs.go convertResult (testgrid
// v0.0.175): a <skipped> with an empty body and message "" or "skipped" is dropped; <error> or
// <failure> is FAIL; other <skipped> is PASS_WITH_SKIPS; everything else PASS.
//
// Usage: testgrid-junit FILE... ; exit status 1 when any file fails to parse.
package main

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"strconv"

	"github.com/GoogleCloudPlatform/testgrid/metadata/junit"
)

type row struct {
	Name    string             `json:"name"`
	Status  string             `json:"status"`
	Message string             `json:"message,omitempty"`
	Metrics map[string]float64 `json:"metrics,omitempty"`
}

type fileReport struct {
	File    string         `json:"file"`
	Error   string         `json:"error,omitempty"`
	Rows    []row          `json:"rows"`
	Dropped int            `json:"dropped"`
	Counts  map[string]int `json:"counts"`
}

// maxMessage is the cell message length testgrid's updater keeps.
const maxMessage = 140

func dotName(left, right string) string {
	switch {
	case left != "" && right != "":
		return left + "." + right
	case right == "":
		return left
	default:
		return right
	}
}

// flatten mirrors pkg/updater flattenResults: nested suite names are joined with dots.
func flatten(prefix string, suites []junit.Suite) []junit.Result {
	var out []junit.Result
	for _, suite := range suites {
		name := dotName(prefix, suite.Name)
		out = append(out, flatten(name, suite.Suites)...)
		for _, r := range suite.Results {
			r.Name = dotName(name, r.Name)
			out = append(out, r)
		}
	}
	return out
}

func metrics(r junit.Result) map[string]float64 {
	m := map[string]float64{}
	// JSON cannot carry NaN/Inf; testgrid would store them, we only report finite metrics.
	if r.Time > 0 && !math.IsInf(r.Time, 0) {
		m["test-duration-minutes"] = r.Time / 60
	}
	if r.Properties != nil {
		for _, p := range r.Properties.PropertyList {
			if v, err := strconv.ParseFloat(p.Value, 64); err == nil && !math.IsInf(v, 0) && !math.IsNaN(v) {
				m[p.Name] = v
			}
		}
	}
	if len(m) == 0 {
		return nil
	}
	return m
}

func convert(path string) fileReport {
	report := fileReport{File: path, Rows: []row{}, Counts: map[string]int{}}
	buf, err := os.ReadFile(path)
	if err != nil {
		report.Error = err.Error()
		return report
	}
	suites, err := junit.Parse(buf)
	if err != nil {
		report.Error = err.Error()
		return report
	}
	for _, r := range flatten("", suites.Suites) {
		if r.Skipped != nil && r.Skipped.Value == "" && (r.Skipped.Message == "skipped" || r.Skipped.Message == "") {
			report.Dropped++
			continue
		}
		status := "PASS"
		switch {
		case r.Errored != nil, r.Failure != nil:
			status = "FAIL"
		case r.Skipped != nil:
			status = "PASS_WITH_SKIPS"
		}
		report.Counts[status]++
		report.Rows = append(report.Rows, row{Name: r.Name, Status: status, Message: r.Message(maxMessage), Metrics: metrics(r)})
	}
	return report
}

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: testgrid-junit FILE...")
		os.Exit(2)
	}
	reports := []fileReport{}
	failed := false
	for _, path := range os.Args[1:] {
		report := convert(path)
		failed = failed || report.Error != ""
		reports = append(reports, report)
	}
	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", "  ")
	if err := enc.Encode(reports); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	if failed {
		os.Exit(1)
	}
}
