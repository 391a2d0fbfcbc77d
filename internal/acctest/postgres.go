package acctest

import (
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"time"
)

// Postgres is a throwaway PostgreSQL cluster in a temp dir.
type Postgres struct {
	DSN  string
	Port int
	dir  string
	bin  string
	as   string // OS user that owns the cluster ("" = current user)
}

// PostgresBinDir finds the PostgreSQL server binaries of the machine image.
func PostgresBinDir() (string, error) {
	if d := os.Getenv("LAKEHOUSE_PG_BIN"); d != "" {
		return d, nil
	}
	matches, _ := filepath.Glob("/usr/lib/postgresql/*/bin/initdb")
	if len(matches) == 0 {
		if p, err := exec.LookPath("initdb"); err == nil {
			return filepath.Dir(p), nil
		}

		return "", fmt.Errorf("no PostgreSQL server binaries found (initdb); install postgresql or set LAKEHOUSE_PG_BIN")
	}

	return filepath.Dir(matches[len(matches)-1]), nil
}

// StartPostgres creates a cluster on a free loopback port. PostgreSQL refuses
// to run as root, so under root the cluster belongs to the postgres user.
func StartPostgres() (*Postgres, error) {
	bin, err := PostgresBinDir()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "lakehouse-pg-")
	if err != nil {
		return nil, err
	}
	port, err := FreePort()
	if err != nil {
		return nil, err
	}
	pg := &Postgres{Port: port, dir: dir, bin: bin}
	if os.Geteuid() == 0 {
		pg.as = "postgres"
		u, err := user.Lookup(pg.as)
		if err != nil {
			return nil, fmt.Errorf("running as root needs the postgres OS user: %w", err)
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		if err := os.Chown(dir, uid, gid); err != nil {
			return nil, err
		}
	}
	data := filepath.Join(dir, "data")
	if out, err := pg.exec("initdb", "-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"); err != nil {
		return nil, fmt.Errorf("initdb: %w\n%s", err, out)
	}
	opts := fmt.Sprintf("-p %d -k %s -c listen_addresses=127.0.0.1 -c fsync=off", port, dir)
	if out, err := pg.exec("pg_ctl", "-D", data, "-l", filepath.Join(dir, "pg.log"), "-o", opts, "-w", "-t", "60", "start"); err != nil {
		log, _ := os.ReadFile(filepath.Join(dir, "pg.log"))

		return nil, fmt.Errorf("pg_ctl start: %w\n%s\n%s", err, out, log)
	}
	pg.DSN = fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", port)

	return pg, nil
}

func (pg *Postgres) exec(tool string, args ...string) ([]byte, error) {
	name := filepath.Join(pg.bin, tool)
	var cmd *exec.Cmd
	if pg.as != "" {
		cmd = exec.Command("runuser", append([]string{"-u", pg.as, "--", name}, args...)...)
	} else {
		cmd = exec.Command(name, args...)
	}
	cmd.Dir = pg.dir

	return cmd.CombinedOutput()
}

// CreateDatabase makes a new empty database and returns its DSN.
func (pg *Postgres) CreateDatabase(name string) (string, error) {
	if out, err := pg.exec("createdb", "-h", "127.0.0.1", "-p", strconv.Itoa(pg.Port), "-U", "postgres", name); err != nil {
		return "", fmt.Errorf("createdb: %w\n%s", err, out)
	}

	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/%s?sslmode=disable", pg.Port, name), nil
}

// Stop shuts the cluster down and removes it.
func (pg *Postgres) Stop() {
	_, _ = pg.exec("pg_ctl", "-D", filepath.Join(pg.dir, "data"), "-m", "immediate", "-w", "-t", "30", "stop")
	time.Sleep(50 * time.Millisecond)
	_ = os.RemoveAll(pg.dir)
}
