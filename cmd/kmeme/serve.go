package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/kmeme-factory/kmeme/internal/httpapi"
	"github.com/kmeme-factory/kmeme/internal/lifecycle"
	"github.com/kmeme-factory/kmeme/internal/postgres"
	"github.com/kmeme-factory/kmeme/internal/webui"
)

func cmdServe(ctx context.Context, e env, args []string) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	migrate := fs.Bool("migrate", false, "apply pending migrations before serving")
	if err := fs.Parse(args); err != nil {
		return usageError{err.Error()}
	}
	a, err := openApp(ctx, e)
	if err != nil {
		return err
	}
	defer a.close()
	if *migrate {
		if _, err := postgres.Migrate(ctx, a.db.Pool); err != nil {
			return err
		}
	}
	deps := httpapi.Deps{
		Log: a.log, Metrics: a.metrics, Version: version,
		CORSOrigins: a.cfg.CORSOrigins, TrustedProxies: a.cfg.TrustedProxies, MaxBodyBytes: a.cfg.MaxBodyBytes, RequestTimeout: a.cfg.RequestTimeout,
		Nodes: postgres.NewRemixNodeService(a.db.Pool),
		Ready: a.readyChecks(),
	}
	// The pages' Open Graph previews ask the API in process; it exists once
	// the server is built below.
	var apiHandler http.Handler
	if files := webui.Files(); webui.Built(files) {
		wo := webui.Options{Meta: webui.MetaFromAPI(func() http.Handler { return apiHandler }, time.Minute)}
		if ac := a.cfg.Auth; ac.FirebaseAPIKey != "" && ac.FirebaseProjectID != "" {
			wo.FirebaseAuthDomain = ac.FirebaseAuthDomain
		}
		deps.Web = webui.Handler(files, wo)
	}
	if err := a.content(ctx, &deps, a.cfg.Jobs.Workers > 0); err != nil {
		return err
	}
	if err := a.access(ctx, &deps); err != nil {
		return err
	}
	a.registerJobMetrics()
	if err := a.startServices(ctx); err != nil {
		return err
	}
	defer a.stopServices()

	apiHandler = httpapi.NewServer(deps)
	srv := &http.Server{
		Handler:           apiHandler,
		ReadHeaderTimeout: a.cfg.ReadHeaderTimeout,
		ReadTimeout:       a.cfg.ReadTimeout,
		WriteTimeout:      a.cfg.WriteTimeout,
		IdleTimeout:       a.cfg.IdleTimeout,
		MaxHeaderBytes:    64 << 10,
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	ln, err := net.Listen("tcp", a.cfg.HTTPAddr)
	if err != nil {
		return fmt.Errorf("listen on %s (KMEME_HTTP_ADDR): %w", a.cfg.HTTPAddr, err)
	}
	a.log.Info("listening", "addr", ln.Addr().String(), "version", version, "web", deps.Web != nil)
	errc := make(chan error, 1)
	api := &lifecycle.HTTPServer{Server: srv, Listener: ln, OnError: func(err error) { errc <- err }}
	// not closed by the signal: Stop below shuts it down gracefully
	if err := api.Start(context.WithoutCancel(ctx)); err != nil {
		return err
	}
	select {
	case err := <-errc:
		_ = api.Stop(context.WithoutCancel(ctx))
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	a.log.Info("shutting down", "grace", a.cfg.ShutdownTimeout.String())
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), a.cfg.ShutdownTimeout)
	defer cancel()
	if err := api.Stop(sctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("shutdown: %w", err)
	}
	return nil
}
