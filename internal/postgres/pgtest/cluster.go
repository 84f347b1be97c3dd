package pgtest

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/kmeme-factory/kmeme/internal/postgres"
)

// Cluster is a private PostgreSQL server for tests that stop, restart or
// kill the database under load: its own data directory in a temporary
// directory, its own loopback port, never the shared server. It uses the
// machine's PostgreSQL binaries (KMEME_TEST_PG_BIN, default
// /usr/lib/postgresql/15/bin), so the extensions the migrations need
// (pgvector, PostGIS, ltree, pg_trgm) are those installed on the machine.
type Cluster struct {
	Dir  string // data directory
	Port int

	bin    string
	asUser string // run the server as this user (initdb refuses root)
	mu     sync.Mutex
}

// BinDir is where the PostgreSQL server binaries are.
func BinDir() string {
	if d := os.Getenv("KMEME_TEST_PG_BIN"); d != "" {
		return d
	}
	return "/usr/lib/postgresql/15/bin"
}

// StartCluster creates and starts a private cluster; it is stopped and
// its files removed when t ends.
func StartCluster(t testing.TB) *Cluster {
	t.Helper()
	bin := BinDir()
	if _, err := os.Stat(filepath.Join(bin, "initdb")); err != nil {
		t.Skipf("pgtest: no PostgreSQL server binaries in %s (KMEME_TEST_PG_BIN): %v", bin, err)
	}
	// t.TempDir is private to the test's user; the server may run as
	// another one, so the directory is made here and handed over.
	root, err := os.MkdirTemp("", "kmeme-pgcluster-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.RemoveAll(root) })
	c := &Cluster{Dir: filepath.Join(root, "data"), bin: bin}
	if os.Geteuid() == 0 {
		u, err := user.Lookup("postgres")
		if err != nil {
			t.Skipf("pgtest: running as root and no postgres user to run the server as: %v", err)
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		if err := os.Chown(root, uid, gid); err != nil {
			t.Fatal(err)
		}
		c.asUser = "postgres"
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	c.Port = ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	if out, err := c.command("initdb", "-D", c.Dir, "-U", "postgres", "-A", "trust", "-E", "UTF8",
		"--locale=C.UTF-8", "--no-sync").CombinedOutput(); err != nil {
		t.Fatalf("pgtest: initdb: %v\n%s", err, out)
	}
	conf := fmt.Sprintf("\nport = %d\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '%s'\n"+
		"fsync = off\nsynchronous_commit = off\nfull_page_writes = off\nshared_buffers = 32MB\nmax_connections = 60\n",
		c.Port, root)
	f, err := os.OpenFile(filepath.Join(c.Dir, "postgresql.conf"), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	_, err = f.WriteString(conf)
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.command("pg_ctl", "stop", "-D", c.Dir, "-m", "immediate", "-w").Run() })
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	return c
}

// command runs one of the server binaries as the cluster's user.
func (c *Cluster) command(name string, args ...string) *exec.Cmd {
	path := filepath.Join(c.bin, name)
	if c.asUser != "" {
		return exec.Command("runuser", append([]string{"-u", c.asUser, "--", path}, args...)...)
	}
	return exec.Command(path, args...)
}

// Start starts the server and waits until it accepts connections.
func (c *Cluster) Start() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	log := filepath.Join(filepath.Dir(c.Dir), "server.log")
	if out, err := c.command("pg_ctl", "start", "-D", c.Dir, "-l", log, "-w", "-t", "60").CombinedOutput(); err != nil {
		b, _ := os.ReadFile(log)
		return fmt.Errorf("pgtest: pg_ctl start: %v\n%s\n%s", err, out, b)
	}
	return nil
}

// Stop shuts the server down in fast mode: open sessions are terminated,
// as when an operator restarts the database or a managed host fails over.
func (c *Cluster) Stop() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if out, err := c.command("pg_ctl", "stop", "-D", c.Dir, "-m", "fast", "-w", "-t", "60").CombinedOutput(); err != nil {
		return fmt.Errorf("pgtest: pg_ctl stop: %v\n%s", err, out)
	}
	return nil
}

// Restart stops and starts the server.
func (c *Cluster) Restart() error {
	if err := c.Stop(); err != nil {
		return err
	}
	return c.Start()
}

// URL is the connection string of database db on the cluster.
func (c *Cluster) URL(db string) string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/%s?sslmode=disable", c.Port, db)
}

// NewDatabase creates a database on the cluster, applies the migrations
// and returns its URL.
func (c *Cluster) NewDatabase(t testing.TB, name string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	admin, err := pgx.Connect(ctx, c.URL("postgres"))
	if err != nil {
		t.Fatalf("pgtest: connect to private cluster: %v", err)
	}
	defer admin.Close(context.Background())
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize()); err != nil {
		t.Fatalf("pgtest: create database: %v", err)
	}
	u := c.URL(name)
	pool, err := pgxpool.New(ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	if _, err := postgres.Migrate(ctx, pool); err != nil {
		t.Fatalf("pgtest: migrate private cluster: %v", err)
	}
	return u
}

// Log returns the server's log, for failure messages.
func (c *Cluster) Log() string {
	b, _ := os.ReadFile(filepath.Join(filepath.Dir(c.Dir), "server.log"))
	return strings.TrimSpace(string(b))
}
