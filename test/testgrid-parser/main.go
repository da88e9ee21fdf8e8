// Command testgrid-junit reads JUnit files with testgrid's own parser
// (github.com/GoogleCloudPlatform/testgrid/metadata/junit) and prints, as JSON, what testgrid's
// updater would make of each file: rows (suite.testcase names), their status, the cell message cut to
// 140 characters, and counts. It mirrors the row rules of pkg/updater/gcs.go convertResult (testgrid
// v0.0.175): a <skipped> with an empty body and message "" or "skipped" is dropped; <error> or
// <failure> is FAIL; other <skipped> is PASS_WITH_SKIPS; everything else PASS.
//
// Rows of the same name (retries) are then merged into one cell with testgrid's own
// updater.MergeCells(true, ...), as the updater does unless disable_merged_status is set: that is
// where a fail-then-pass becomes FLAKY with the icon "<passes>/<runs>".
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
	statuspb "github.com/GoogleCloudPlatform/testgrid/pb/test_status"
	"github.com/GoogleCloudPlatform/testgrid/pkg/updater"
)

type row struct {
	Name    string             `json:"name"`
	Status  string             `json:"status"`
	Message string             `json:"message,omitempty"`
	Metrics map[string]float64 `json:"metrics,omitempty"`
}

// cell is a grid cell after testgrid merged the rows of one name.
type cell struct {
	Name    string `json:"name"`
	Status  string `json:"status"`
	Icon    string `json:"icon,omitempty"`
	Message string `json:"message,omitempty"`
}

type fileReport struct {
	File    string         `json:"file"`
	Error   string         `json:"error,omitempty"`
	Rows    []row          `json:"rows"`
	Cells   []cell         `json:"cells"`
	Dropped int            `json:"dropped"`
	Counts  map[string]int `json:"counts"`
}

var statusOf = map[string]statuspb.TestStatus{
	"PASS":            statuspb.TestStatus_PASS,
	"FAIL":            statuspb.TestStatus_FAIL,
	"PASS_WITH_SKIPS": statuspb.TestStatus_PASS_WITH_SKIPS,
}

// mergeRows groups rows by name (first-seen order) and merges each group with testgrid's MergeCells.
func mergeRows(rows []row) []cell {
	var order []string
	groups := map[string][]updater.Cell{}
	for _, r := range rows {
		if _, seen := groups[r.Name]; !seen {
			order = append(order, r.Name)
		}
		c := updater.Cell{Result: statusOf[r.Status], Message: r.Message, Metrics: r.Metrics}
		switch r.Status {
		case "FAIL":
			if r.Message != "" {
				c.Icon = "F"
			}
		case "PASS_WITH_SKIPS":
			c.Icon = "S"
		}
		groups[r.Name] = append(groups[r.Name], c)
	}
	cells := []cell{}
	for _, name := range order {
		merged := updater.MergeCells(true, groups[name]...)
		cells = append(cells, cell{Name: name, Status: merged.Result.String(), Icon: merged.Icon, Message: merged.Message})
	}
	return cells
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
	report := fileReport{File: path, Rows: []row{}, Cells: []cell{}, Counts: map[string]int{}}
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
	report.Cells = mergeRows(report.Rows)
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
