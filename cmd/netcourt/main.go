// Command netcourt is the online internet court: one binary that serves the portal and runs
// the court's maintenance tasks.
package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"netcourt/handlers"
	"netcourt/models"
	"netcourt/models/migrations"
)

const usage = `netcourt — online internet court for personal-information disputes

Usage:
  netcourt serve   [--addr 127.0.0.1:8080] [--data ./data] [--db DSN]   run the portal
  netcourt migrate [--data ./data] [--db DSN]                           apply database migrations
  netcourt user create --role clerk|judge|admin --email E --name N      create a staff account
                                                                        (password from NETCOURT_PASSWORD or stdin)
  netcourt stats rebuild [--data ./data] [--db DSN]                     recompute the statistics counters
  netcourt verify  [--data ./data] [--db DSN]                           re-hash all evidence, re-walk every event chain
                                                                        (exit 0 intact, 3 broken, 1 could not check)
  netcourt backup  --out DIR [--data ./data] [--db DSN]                 consistent copy of database + evidence, verified

Run "netcourt COMMAND -h" for every flag.
`

func main() {
	if len(os.Args) < 2 {
		fmt.Fprint(os.Stderr, usage)
		os.Exit(2)
	}
	var err error
	switch os.Args[1] {
	case "serve":
		err = cmdServe(os.Args[2:])
	case "migrate":
		err = cmdMigrate(os.Args[2:])
	case "user":
		err = cmdUser(os.Args[2:], os.Stdin)
	case "stats":
		err = cmdStats(os.Args[2:])
	case "verify":
		err = cmdVerify(os.Args[2:], os.Stdout)
	case "backup":
		err = cmdBackup(os.Args[2:], os.Stdout)
	case "-h", "--help", "help":
		fmt.Print(usage)
		return
	default:
		fmt.Fprintf(os.Stderr, "netcourt: unknown command %q\n\n%s", os.Args[1], usage)
		os.Exit(2)
	}
	if errors.Is(err, flag.ErrHelp) {
		return // -h printed the flags; asking for help is not an error
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "netcourt: "+err.Error())
		var ee *exitError
		if errors.As(err, &ee) {
			os.Exit(ee.code)
		}
		os.Exit(1)
	}
}

func parse(fs *flag.FlagSet, args []string) error {
	fs.SetOutput(os.Stderr)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	return nil
}

// openStore opens the database, applies migrations and builds the domain layer.
func openStore(cfg *config) (*models.Store, func(), error) {
	log := cfg.logger()
	db, _, err := models.OpenDB(models.DBConfig{DSN: cfg.DB, DataDir: cfg.Data})
	if err != nil {
		return nil, nil, err
	}
	if err := migrations.Run(db); err != nil {
		_ = models.CloseDB(db)
		return nil, nil, err
	}
	blobs, err := models.NewLocalBlobStore(cfg.evidenceDir())
	if err != nil {
		_ = models.CloseDB(db)
		return nil, nil, fmt.Errorf("evidence directory: %w", err)
	}
	if cfg.testHook != nil {
		blobs.SetTestHook(cfg.testHook)
	}
	store := models.New(models.Options{DB: db, Blobs: blobs, Court: cfg.court, Logger: log, TestHook: cfg.testHook})
	if err := store.EnsureStats(context.Background()); err != nil {
		_ = models.CloseDB(db)
		return nil, nil, fmt.Errorf("statistics: %w", err)
	}
	return store, func() {
		if err := models.CloseDB(db); err != nil {
			log.Error("closing the database", "err", err)
		}
	}, nil
}

func cmdMigrate(args []string) error {
	var cfg config
	fs := flag.NewFlagSet("migrate", flag.ContinueOnError)
	cfg.storageFlags(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := cfg.validate(false); err != nil {
		return err
	}
	_, closeDB, err := openStore(&cfg)
	if err != nil {
		return err
	}
	closeDB()
	fmt.Printf("migrations applied: %s\n", strings.Join(migrations.IDs(), ", "))
	return nil
}

// cmdStats recomputes the statistics counters from the cases (a repair command).
func cmdStats(args []string) error {
	if len(args) == 0 || args[0] != "rebuild" {
		return errors.New("usage: netcourt stats rebuild [--data DIR] [--db DSN]")
	}
	var cfg config
	fs := flag.NewFlagSet("stats rebuild", flag.ContinueOnError)
	cfg.storageFlags(fs)
	if err := parse(fs, args[1:]); err != nil {
		return err
	}
	if err := cfg.validate(false); err != nil {
		return err
	}
	store, closeDB, err := openStore(&cfg)
	if err != nil {
		return err
	}
	defer closeDB()
	if err := store.RebuildStats(context.Background()); err != nil {
		return err
	}
	st, err := store.Stats(context.Background())
	if err != nil {
		return err
	}
	fmt.Printf("statistics rebuilt: %d filings counted\n", st.Total)
	return nil
}

func cmdUser(args []string, stdin io.Reader) error {
	if len(args) == 0 || args[0] != "create" {
		return errors.New(`usage: netcourt user create --role clerk|judge|admin --email E --name N`)
	}
	var (
		cfg               config
		role, email, name string
	)
	fs := flag.NewFlagSet("user create", flag.ContinueOnError)
	cfg.storageFlags(fs)
	fs.StringVar(&role, "role", "", "clerk, judge or admin")
	fs.StringVar(&email, "email", "", "email address (sign-in name)")
	fs.StringVar(&name, "name", "", "full name")
	if err := parse(fs, args[1:]); err != nil {
		return err
	}
	r, ok := models.ParseRole(role)
	if !ok || r == models.RolePlaintiff || r == models.RoleDefendant {
		return fmt.Errorf("--role must be clerk, judge or admin (got %q)", role)
	}
	pw := os.Getenv("NETCOURT_PASSWORD")
	if pw == "" {
		line, err := bufio.NewReader(stdin).ReadString('\n')
		if err != nil && !errors.Is(err, io.EOF) {
			return fmt.Errorf("reading the password from stdin: %w", err)
		}
		pw = strings.TrimRight(line, "\r\n")
	}
	if pw == "" {
		return errors.New("no password: set NETCOURT_PASSWORD or pipe it on stdin")
	}
	if err := cfg.validate(false); err != nil {
		return err
	}
	store, closeDB, err := openStore(&cfg)
	if err != nil {
		return err
	}
	defer closeDB()
	u, err := store.CreateStaff(context.Background(), models.StaffInput{Role: r, Name: name, Email: email, Password: pw})
	if err != nil {
		return describeError(err)
	}
	fmt.Printf("created %s account %d for %s\n", u.Role, u.ID, u.Email)
	return nil
}

// describeError spells out validation problems on the command line.
func describeError(err error) error {
	var de *models.Error
	if errors.As(err, &de) && len(de.Fields) > 0 {
		var parts []string
		for f, k := range de.Fields {
			parts = append(parts, f+": "+strings.TrimPrefix(k, "validation."))
		}
		return fmt.Errorf("%s (%s)", de.Message, strings.Join(parts, "; "))
	}
	if errors.As(err, &de) {
		return errors.New(de.Message)
	}
	return err
}

func cmdServe(args []string) error {
	var cfg config
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	cfg.storageFlags(fs)
	cfg.serveFlags(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := cfg.validate(true); err != nil {
		return err
	}
	log := cfg.logger()
	cfg.testHook = crashHookFromEnv()
	// Listen before anything slow so a busy port fails fast with a clear message.
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("cannot listen on %s: %v", cfg.Addr, err)
	}
	store, closeDB, err := openStore(&cfg)
	if err != nil {
		ln.Close()
		return err
	}
	defer closeDB()
	// Before serving, while no upload can be in flight: clear what a crash left half-made.
	if err := reconcileAtStart(store, cfg.OrphanGrace, log); err != nil {
		ln.Close()
		return err
	}
	e, _, err := handlers.New(handlers.Options{
		Store: store, Logger: log, TrustedProxies: cfg.proxies, SecureCookies: cfg.SecureCookies,
		MaxUploadBytes: int64(cfg.MaxUploadMiB) << 20,
	})
	if err != nil {
		ln.Close()
		return err
	}
	srv := &http.Server{
		Handler:           e,
		ReadHeaderTimeout: 10 * time.Second,
		// Uploads from phones on slow links take time; the per-file cap bounds the damage.
		ReadTimeout:    15 * time.Minute,
		WriteTimeout:   15 * time.Minute,
		IdleTimeout:    2 * time.Minute,
		MaxHeaderBytes: 64 << 10,
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	fmt.Printf("netcourt listening on http://%s\n", ln.Addr())
	log.Info("serving", "addr", ln.Addr().String(), "db", string(store.Dialect()), "data", cfg.Data)
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down: draining requests")
	shutCtx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutCtx); err != nil {
		log.Error("shutdown did not finish cleanly", "err", err)
		return err
	}
	log.Info("stopped")
	return nil
}
