package api

import (
	"net/http"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Metrics are the Prometheus metrics served at /metrics. They live in a registry of
// their own, not the global default one, so that every server (and every test) has
// its own and nothing registers itself behind anyone's back.
type Metrics struct {
	reg *prometheus.Registry
	// requests counts requests by method, route template and status.
	requests *prometheus.CounterVec
	// duration is the time from the request reaching the middleware to the
	// response being written, by method and route template.
	duration *prometheus.HistogramVec
	// suggestionCache counts lookups in the suggestion cache by result: hit or miss.
	suggestionCache *prometheus.CounterVec
	// cacheErrors counts cache calls that failed (Redis slow or down): the answer
	// was computed here instead.
	cacheErrors prometheus.Counter
	// inFlight counts the requests being answered (InFlight).
	inFlight atomic.Int64
}

// unmatchedRoute is the route label of a request that matched no route; the raw
// path is never a label, since clients could make its values unbounded.
const unmatchedRoute = "unmatched"

// NewMetrics returns the service's metrics, with the Go runtime's and the
// process's registered beside them.
func NewMetrics() *Metrics {
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "samenspel_http_requests_total",
			Help: "HTTP requests answered, by method, route template and status.",
		}, []string{"method", "route", "status"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "samenspel_http_request_duration_seconds",
			Help:    "Time taken to answer HTTP requests, by method and route template.",
			Buckets: prometheus.DefBuckets,
		}, []string{"method", "route"}),
		suggestionCache: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "samenspel_suggestion_cache_total",
			Help: "Suggestion cache lookups, by result (hit or miss).",
		}, []string{"result"}),
	}
	m.cacheErrors = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "samenspel_suggestion_cache_errors_total",
		Help: "Suggestion cache calls that failed (a slow or absent Redis); the answer was computed here.",
	})
	// Both results are shown from the start, at 0, so that a hit ratio can be
	// computed before the first miss.
	m.suggestionCache.WithLabelValues("hit")
	m.suggestionCache.WithLabelValues("miss")
	inFlight := prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "samenspel_http_requests_in_flight",
		Help: "HTTP requests being answered.",
	}, func() float64 { return float64(m.inFlight.Load()) })
	m.reg.MustRegister(
		collectors.NewGoCollector(), inFlight,
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		m.requests, m.duration, m.suggestionCache, m.cacheErrors,
	)
	return m
}

// middleware counts and times every request, including those that other
// middleware refuses, so it belongs before them. Requests are labelled with their
// route template (/v1/profiles/:id), or "unmatched".
func (m *Metrics) middleware() gin.HandlerFunc {
	return func(c *gin.Context) {
		start := time.Now()
		m.inFlight.Add(1)
		defer m.inFlight.Add(-1)
		c.Next()
		route := c.FullPath()
		if route == "" {
			route = unmatchedRoute
		}
		method := methodLabel(c.Request.Method)
		m.requests.WithLabelValues(method, route, strconv.Itoa(c.Writer.Status())).Inc()
		m.duration.WithLabelValues(method, route).Observe(time.Since(start).Seconds())
	}
}

// knownMethods are the methods that are labels of their own.
var knownMethods = map[string]bool{
	http.MethodGet: true, http.MethodHead: true, http.MethodPost: true, http.MethodPut: true,
	http.MethodPatch: true, http.MethodDelete: true, http.MethodOptions: true,
}

// methodLabel is the method label of a request: its method, or "other" for a
// method the API does not know, since a client may send any token as a method.
func methodLabel(method string) string {
	if knownMethods[method] {
		return method
	}
	return "other"
}

// InFlight is the number of requests being answered now: the nightly recompute
// gives way to them (recompute.GiveWay).
func (m *Metrics) InFlight() int64 { return m.inFlight.Load() }

// handler serves the metrics in the Prometheus exposition format.
func (m *Metrics) handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg})
}

// SuggestionCache counts one lookup in the suggestion cache, a hit or a miss. The
// package holding the cache declares the one-method interface it needs.
func (m *Metrics) SuggestionCache(hit bool) {
	result := "miss"
	if hit {
		result = "hit"
	}
	m.suggestionCache.WithLabelValues(result).Inc()
}

// CacheError counts a failed cache call.
func (m *Metrics) CacheError() { m.cacheErrors.Inc() }

// Register adds collectors that other parts of the service own (the search index's
// failures in the scaled set-up) to the registry served at /metrics.
func (m *Metrics) Register(cs ...prometheus.Collector) error {
	for _, c := range cs {
		if err := m.reg.Register(c); err != nil {
			return err
		}
	}
	return nil
}
