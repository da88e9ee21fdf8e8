// Package http3 stands in for github.com/lucas-clemente/quic-go/http3 v0.28.1, which cannot be
// built with Go 1.20 or later (its TLS fork exists only for Go 1.18 and 1.19). Traefik v2.8.3 uses
// only this type, and only on entry points configured with HTTP/3, which Traefik Mesh never sets up.
// Serving fails with an explicit error, so a configuration that asks for HTTP/3 is not silently
// served without it.
package http3

import (
	"crypto/tls"
	"errors"
	"net"
	"net/http"
)

// ErrUnavailable is returned by Serve: this build has no QUIC.
var ErrUnavailable = errors.New("HTTP/3 is not available in this build of Traefik (quic-go v0.28.1 does not build with this Go)")

// Server has the fields Traefik sets on quic-go's http3.Server.
type Server struct {
	Addr      string
	Port      int
	Handler   http.Handler
	TLSConfig *tls.Config
}

// SetQuicHeaders would advertise HTTP/3 (Alt-Svc); without QUIC there is nothing to advertise.
func (s *Server) SetQuicHeaders(http.Header) error { return nil }

// Serve refuses: see ErrUnavailable.
func (s *Server) Serve(net.PacketConn) error { return ErrUnavailable }

// Close has nothing to stop.
func (s *Server) Close() error { return nil }
