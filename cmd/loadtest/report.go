package main

import (
	"errors"
	"fmt"
	"io"
	"net"
	"sort"
	"strings"
	"text/tabwriter"
	"time"
)

var netDialer = net.Dialer{Timeout: 5 * time.Second}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// rows are the figures, one a phase and route, in the order they ran.
func (r *result) rows() [][]string {
	var rows [][]string
	for _, p := range r.phases {
		rate := "max"
		if p.rate > 0 {
			rate = fmt.Sprintf("%d/s", p.rate)
		}
		routes := make([]string, 0, len(p.routes))
		for name := range p.routes {
			routes = append(routes, name)
		}
		sort.Strings(routes)
		for _, name := range routes {
			rr := p.routes[name]
			m := &rr.m
			codes := make([]string, 0, len(m.StatusCodes))
			for code, n := range m.StatusCodes {
				codes = append(codes, fmt.Sprintf("%s×%d", code, n))
			}
			sort.Strings(codes)
			rows = append(rows, []string{p.name, rate, name,
				fmt.Sprint(m.Requests), fmt.Sprintf("%.0f", m.Throughput),
				ms(m.Latencies.P50), ms(m.Latencies.P99), ms(m.Latencies.Quantile(0.999)), ms(m.Latencies.Max),
				strings.Join(codes, " "), fmt.Sprint(rr.unexpected)})
		}
	}
	return rows
}

var header = []string{"phase", "rate", "route", "requests", "ok/s", "p50", "p99", "p99.9", "max", "statuses", "unexpected"}

func ms(d time.Duration) string { return fmt.Sprintf("%.2f ms", float64(d)/float64(time.Millisecond)) }

func (r *result) print(w io.Writer) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, strings.Join(header, "\t"))
	for _, row := range r.rows() {
		fmt.Fprintln(tw, strings.Join(row, "\t"))
	}
	tw.Flush()
	for _, n := range r.notes {
		fmt.Fprintln(w, n)
	}
}

func (r *result) markdown() string {
	var b strings.Builder
	b.WriteString("| " + strings.Join(header, " | ") + " |\n|")
	for range header {
		b.WriteString("---|")
	}
	b.WriteString("\n")
	for _, row := range r.rows() {
		b.WriteString("| " + strings.Join(row, " | ") + " |\n")
	}
	b.WriteString("\n")
	for _, n := range r.notes {
		b.WriteString("- " + n + "\n")
	}
	return b.String()
}
