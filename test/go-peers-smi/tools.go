//go:build tools

// Package gopeerssmi pins the upstream SMI peers this module builds: the Traefik Mesh controller and
// the Traefik v2 proxy it configures. Nothing here is compiled; the imports keep `go mod tidy` honest.
package gopeerssmi

import (
	_ "github.com/traefik/mesh/cmd/mesh"
	_ "github.com/traefik/traefik/v2/cmd/traefik"
)
