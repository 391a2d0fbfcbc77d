package iceberg_test

import (
	"context"
	"strings"
	"sync"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
)

// diagRecorder serves the provider like providerFactories and keeps the
// warnings its plans and reads return, which the test framework does not
// show for commands that succeed.
type diagRecorder struct {
	mu       sync.Mutex
	warnings []string
}

func (r *diagRecorder) factories() map[string]func() (tfprotov6.ProviderServer, error) {
	return map[string]func() (tfprotov6.ProviderServer, error){
		"lakehouse": func() (tfprotov6.ProviderServer, error) {
			s, err := providerFactories["lakehouse"]()

			return recordingServer{ProviderServer: s, r: r}, err
		},
	}
}

func (r *diagRecorder) record(ds []*tfprotov6.Diagnostic) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, d := range ds {
		if d.Severity == tfprotov6.DiagnosticSeverityWarning {
			r.warnings = append(r.warnings, d.Summary+": "+d.Detail)
		}
	}
}

// take returns the warnings recorded so far, joined by newlines, and
// forgets them.
func (r *diagRecorder) take() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	w := strings.Join(r.warnings, "\n")
	r.warnings = nil

	return w
}

type recordingServer struct {
	tfprotov6.ProviderServer
	r *diagRecorder
}

func (s recordingServer) PlanResourceChange(ctx context.Context, req *tfprotov6.PlanResourceChangeRequest) (*tfprotov6.PlanResourceChangeResponse, error) {
	resp, err := s.ProviderServer.PlanResourceChange(ctx, req)
	if resp != nil {
		s.r.record(resp.Diagnostics)
	}

	return resp, err
}

func (s recordingServer) ReadResource(ctx context.Context, req *tfprotov6.ReadResourceRequest) (*tfprotov6.ReadResourceResponse, error) {
	resp, err := s.ProviderServer.ReadResource(ctx, req)
	if resp != nil {
		s.r.record(resp.Diagnostics)
	}

	return resp, err
}
