package reliability_test

import (
	"fmt"
	"net"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// hungServer accepts connections and never answers, like a backend whose
// process is stuck; closing it drops them.
func hungServer(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var conns []net.Conn
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
	}()
	// Tearing down: a failure to close loses nothing.
	t.Cleanup(func() {
		_ = l.Close()
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			_ = c.Close()
		}
	})

	return l.Addr().String()
}

// refusedAddr is a loopback address nothing listens on.
func refusedAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	_ = l.Close() // only the address was wanted

	return addr
}

// A backend that stays down (refusing connections, or accepting them and
// never answering) fails the apply with an error naming the resource and the
// cause, within max_attempts x request_timeout plus backoff, never a hang.
// Without the retry block the hung case would take the defaults' 5 x 60s.
func TestReliability_backendDownFailsWithinTimeout(t *testing.T) {
	requireAcc(t)
	const retry = `
  retry {
    max_attempts    = 3
    min_backoff     = "10ms"
    max_backoff     = "50ms"
    request_timeout = "400ms"
  }`
	// 3 attempts x 400ms + backoff is about 1.3s of provider time; terraform
	// itself needs a few seconds to start and plan on a loaded machine.
	const bound = 20 * time.Second
	backends := []struct {
		name, block, resource, addr string
	}{
		{"s3", `s3 {
    endpoint   = "%s"
    access_key = "k"
    secret_key = "s"
    use_ssl    = false
    path_style = true
  }`, `resource "lakehouse_bucket" "x" { bucket = "tf-acc-down" }`, "lakehouse_bucket"},
		{"dremio", `dremio {
    endpoint = "http://%s"
    token    = "t"
  }`, `resource "lakehouse_dremio_space" "x" { name = "down" }`, "lakehouse_dremio_space"},
		{"superset", `superset {
    endpoint     = "http://%s"
    access_token = "t"
  }`, `resource "lakehouse_superset_database" "x" {
  database_name  = "down"
  sqlalchemy_uri = "postgresql://u@h/d"
}`, "lakehouse_superset_database"},
		{"labelstudio", `labelstudio {
    endpoint = "http://%s"
    api_key  = "t"
  }`, `resource "lakehouse_labelstudio_project" "x" {
  title        = "down"
  label_config = "<View><Text name=\"t\" value=\"$text\"/></View>"
}`, "lakehouse_labelstudio_project"},
		{"catalog", `catalog {
    type = "rest"
    uri  = "http://%s"
  }`, `resource "lakehouse_iceberg_namespace" "x" { name = ["down"] }`, "lakehouse_iceberg_namespace"},
	}
	for _, b := range backends {
		for _, mode := range []string{"refused", "hung"} {
			t.Run(b.name+"_"+mode, func(t *testing.T) {
				addr := refusedAddr(t)
				if mode == "hung" {
					addr = hungServer(t)
				}
				cfg := fmt.Sprintf("provider \"lakehouse\" {\n  %s\n%s\n}\n%s\n", fmt.Sprintf(b.block, addr), retry, b.resource)
				w := newWorkspace(t, cfg)
				start := time.Now()
				out, errb, err := w.tf(2*time.Minute, nil, "apply", "-auto-approve", "-no-color")
				took := time.Since(start)
				if err == nil {
					t.Fatalf("apply against a dead %s succeeded:\n%s", b.name, out)
				}
				if took > bound {
					t.Fatalf("apply took %s against a dead %s; bound %s", took, b.name, bound)
				}
				msg := regexp.MustCompile(`\s+`).ReplaceAllString(errb, " ")
				if !strings.Contains(msg, "Error creating "+b.addr) && !strings.Contains(msg, b.addr) {
					t.Errorf("the error does not name %s: %s", b.addr, msg)
				}
				cause := "refused"
				if mode == "hung" {
					cause = "timeout|deadline|Timeout|awaiting headers"
				}
				if !regexp.MustCompile(cause).MatchString(msg) {
					t.Errorf("the error does not give the cause (%s): %s", cause, msg)
				}
				if !strings.Contains(msg, addr) {
					t.Errorf("the error does not name the address %s: %s", addr, msg)
				}
				t.Logf("%s %s: failed in %s: %s", b.name, mode, took.Round(time.Millisecond), tail(msg, 400))
			})
		}
	}
}
