// SPDX-License-Identifier: MIT
/*
 * exitbench history: the nightly history's command (history.h, alerts.h, page.h).
 *
 *   exitbench history import [--night NIGHT.json] [RESULTS.json...]
 *   exitbench history check | has --tree T --commit C --host H | show
 *   exitbench history detect [--threshold PCT] [--floor TICKS] [--p-value P] [--candidates FILE]
 *   exitbench history confirm --fp ID --mode M --before N --after N BASE.json PATCHED.json
 *   exitbench history blame --fp ID --mode M --before N --after N --commit C --subject S --how H
 *   exitbench history alerts [--json] | ack ID | invalid ID | expected ID
 *   exitbench history page [-o DIR]
 *   exitbench history export-changes --host H [-o FILE] | import-changes --host H FILE
 *
 * Every one takes --history FILE (default results/nightly/history.db). Exit status: 0 fine,
 * 1 (detect, confirm) a new confirmed regression beyond the threshold / (has) no such
 * night / (page) a plot gnuplot did not draw, 2 bad input (a history that is not one, a
 * malformed file, an unknown id) or a page that could not be written.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alerts.h"
#include "cmds.h"
#include "history.h"
#include "history_db.h"
#include "page.h"
#include "plot.h"
#include "results.h"

#define DEFAULT_HISTORY "results/nightly/history.db"
#define DEFAULT_SITE "results/nightly"

struct hopts {
	const char *history, *night, *candidates, *mode, *tree, *commit, *host, *subject, *how,
		   *log, *output, *comparison;
	long long fp, before, after;
	int json;
	struct alerts_opts ao;
};

static int parse_ll(const char *s, long long *v)
{
	char *end;

	errno = 0;
	*v = strtoll(s, &end, 10);
	return errno || end == s || *end || *v < 0 ? -1 : 0;
}

/* the options every subcommand shares; returns optind, or -1 after a message */
static int parse(int argc, char **argv, struct hopts *o)
{
	static const struct option opts[] = {
		{ "history", required_argument, NULL, 'H' }, { "night", required_argument, NULL, 'n' },
		{ "candidates", required_argument, NULL, 'C' }, { "mode", required_argument, NULL, 'm' },
		{ "tree", required_argument, NULL, 't' }, { "commit", required_argument, NULL, 'c' },
		{ "host", required_argument, NULL, 'h' }, { "subject", required_argument, NULL, 's' },
		{ "how", required_argument, NULL, 'w' }, { "log", required_argument, NULL, 'l' },
		{ "output", required_argument, NULL, 'o' }, { "fp", required_argument, NULL, 'f' },
		{ "before", required_argument, NULL, 'b' }, { "after", required_argument, NULL, 'a' },
		{ "json", no_argument, NULL, 'j' }, { "threshold", required_argument, NULL, 'T' },
		{ "floor", required_argument, NULL, 'F' }, { "p-value", required_argument, NULL, 'p' },
		{ "comparison", required_argument, NULL, 'r' }, { "until", required_argument, NULL, 'U' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	memset(o, 0, sizeof(*o));
	o->history = DEFAULT_HISTORY;
	o->fp = o->before = o->after = -1;
	alerts_opts_default(&o->ao);
	while ((c = getopt_long(argc, argv, "o:", opts, NULL)) != -1) {
		switch (c) {
		case 'H': o->history = optarg; break;
		case 'n': o->night = optarg; break;
		case 'C': o->candidates = optarg; break;
		case 'm': o->mode = optarg; break;
		case 't': o->tree = optarg; break;
		case 'c': o->commit = optarg; break;
		case 'h': o->host = optarg; break;
		case 's': o->subject = optarg; break;
		case 'w': o->how = optarg; break;
		case 'l': o->log = optarg; break;
		case 'o': o->output = optarg; break;
		case 'r': o->comparison = optarg; break;
		case 'j': o->json = 1; break;
		case 'f': case 'b': case 'a': {
			long long *v = c == 'f' ? &o->fp : c == 'b' ? &o->before : &o->after;

			if (parse_ll(optarg, v)) {
				fprintf(stderr, "exitbench: --%s %s: a history id (a whole number)\n",
					c == 'f' ? "fp" : c == 'b' ? "before" : "after", optarg);
				return -1;
			}
			break;
		}
		case 'T':
			if (cmd_number(optarg, 0, 1000, &o->ao.threshold_pct)) {
				fprintf(stderr, "exitbench: --threshold %s: a percentage, e.g. 1\n", optarg);
				return -1;
			}
			break;
		case 'F':
			if (cmd_number(optarg, 0, 1e12, &o->ao.floor)) {
				fprintf(stderr, "exitbench: --floor %s: ticks, >= 0\n", optarg);
				return -1;
			}
			break;
		case 'U':
			if (cmd_number(optarg, 0, 1000, &o->ao.until_pct)) {
				fprintf(stderr, "exitbench: --until %s: a percentage (the sequential "
					"comparison's band)\n", optarg);
				return -1;
			}
			o->ao.sequential = 1;
			break;
		case 'p':
			if (cmd_number(optarg, 1e-12, 0.5, &o->ao.p_value)) {
				fprintf(stderr, "exitbench: --p-value %s: between 1e-12 and 0.5\n", optarg);
				return -1;
			}
			break;
		default:
			return -1;
		}
	}
	return optind;
}

static int open_history(const struct hopts *o, int create, struct history **h)
{
	char err[2048];

	if (history_open(o->history, create, h, err, sizeof(err))) {
		fprintf(stderr, "exitbench: %s\n", err);
		return -1;
	}
	return 0;
}

static int do_import(struct history *h, const struct hopts *o, int n, char **files)
{
	struct history_import_report rep;
	struct res_night night;
	struct results *r = NULL, **rp = NULL;
	const char **paths = NULL;
	size_t nr, nread = 0, added = 0, known = 0, nights = 0;
	char err[2048];
	int ret = 2;

	if (!o->night && !n)
		die2("history import: give results.json files, or --night NIGHT.json");
	if (o->night && res_read_night(o->night, &night, err, sizeof(err)))
		die2("%s", err);
	/* every file read first: one that is not a results.json stores nothing */
	nr = (o->night ? night.nruns : 0) + (size_t)n;
	r = calloc(nr ? nr : 1, sizeof(*r));
	rp = calloc(nr ? nr : 1, sizeof(*rp));
	paths = calloc(nr ? nr : 1, sizeof(*paths));
	if (!r || !rp || !paths) {
		fprintf(stderr, "exitbench: out of memory\n");
		goto out;
	}
	for (; nread < nr; nread++) {
		size_t k = nread;

		paths[k] = o->night && k < night.nruns ? night.runs[k] :
			   files[k - (o->night ? night.nruns : 0)];
		rp[k] = &r[k];
		if (res_read(paths[k], &r[k], err, sizeof(err))) {
			fprintf(stderr, "exitbench: %s\n", err);
			goto out;
		}
	}
	ret = 0;
	/* a nightly's night is one transaction; loose files are a night each */
	if (o->night) {
		if (history_import(h, &night, rp, paths, nr, &rep, err, sizeof(err))) {
			fprintf(stderr, "exitbench: %s\n", err);
			ret = 2;
		} else {
			printf("night %lld (%s %.12s): %zu run(s) added, %zu already there%s\n",
			       rep.night_id, night.build, night.commit, rep.runs_added, rep.runs_known,
			       rep.nights_added ? "" : " (the night was there)");
		}
		goto out;
	}
	for (size_t k = 0; k < nr && !ret; k++) {
		if (history_import(h, NULL, &rp[k], &paths[k], 1, &rep, err, sizeof(err))) {
			fprintf(stderr, "exitbench: %s (the files before it are in)\n", err);
			ret = 2;
		}
		added += rep.runs_added;
		known += rep.runs_known;
		nights += rep.nights_added;
	}
	printf("%zu run(s) added (%zu night(s) new), %zu already there\n", added, nights, known);
out:
	for (size_t k = 0; k < nread; k++)
		res_free(&r[k]);
	free(r);
	free(rp);
	free(paths);
	if (o->night)
		res_night_free(&night);
	return ret;
}

static int do_detect(struct history *h, const struct hopts *o)
{
	struct alerts_detect_report rep;
	struct alerts_candidate *c;
	size_t nc;
	char err[2048];
	FILE *f = stdout;

	if (alerts_detect(h, &o->ao, &c, &nc, &rep, err, sizeof(err)))
		die2("%s", err);
	fprintf(stderr, "exitbench: %zu series, %zu change points; new: %zu (%zu to confirm, %zu below "
		"the threshold of %g%%, %zu p99 or phase)\n", rep.series, rep.points, rep.new_changes,
		rep.new_candidates, rep.below_threshold, o->ao.threshold_pct, rep.observed);
	if (o->candidates && !(f = fopen(o->candidates, "w"))) {
		free(c);
		die2("%s: %s", o->candidates, strerror(errno));
	}
	/* one comparison a line: fp mode night_before night_after commit_before commit_after benchmarks */
	for (size_t i = 0; i < nc; i++)
		fprintf(f, "%lld\t%s\t%lld\t%lld\t%s\t%s\t%s\n", c[i].fp, c[i].mode, c[i].night_before,
			c[i].night_after, c[i].commit_before, c[i].commit_after, c[i].benchmarks);
	if (f != stdout && fclose(f)) {
		free(c);
		die2("%s: %s", o->candidates, strerror(errno));
	}
	free(c);
	return 0;
}

static int need_pair(const struct hopts *o, const char *what)
{
	if (o->fp < 0 || !o->mode || o->before < 0 || o->after < 0) {
		fprintf(stderr, "exitbench: history %s needs --fp, --mode, --before and --after "
			"(a line of history detect's candidates)\n", what);
		return -1;
	}
	return 0;
}

static int do_confirm(struct history *h, const struct hopts *o, int n, char **files)
{
	struct alerts_confirm_report rep;
	struct results a, b;
	char err[2048];
	int ret;

	if (need_pair(o, "confirm"))
		return 2;
	if (n != 2)
		die2("history confirm: give the comparison's two results.json (base, patched)");
	if (res_read(files[0], &a, err, sizeof(err)))
		die2("%s", err);
	if (res_read(files[1], &b, err, sizeof(err))) {
		res_free(&a);
		die2("%s", err);
	}
	ret = alerts_confirm(h, &o->ao, o->fp, o->mode, o->before, o->after, &a, &b, o->comparison,
			     &rep, err, sizeof(err));
	res_free(&a);
	res_free(&b);
	if (ret)
		die2("%s", err);
	printf("%zu confirmed, %zu not confirmed, %zu new regression(s) beyond %g%%\n", rep.confirmed,
	       rep.unconfirmed, rep.new_regressions, o->ao.threshold_pct);
	return rep.new_regressions ? 1 : 0;
}

static char *slurp(const char *path, size_t max)
{
	FILE *f = fopen(path, "r");
	char *buf;
	size_t n;

	if (!f)
		return NULL;
	buf = malloc(max + 1);
	if (!buf) {
		fclose(f);
		return NULL;
	}
	n = fread(buf, 1, max, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static int do_blame(struct history *h, const struct hopts *o)
{
	char err[2048], *log = NULL;
	int ret;

	if (need_pair(o, "blame"))
		return 2;
	if (!o->commit || !o->how)
		die2("history blame needs --commit and --how (and --subject, --log)");
	if (o->log && !(log = slurp(o->log, 1000)))
		die2("%s: %s", o->log, strerror(errno));
	ret = alerts_blame(h, o->fp, o->mode, o->before, o->after, o->commit,
			   o->subject ? o->subject : "", o->how, log, err, sizeof(err));
	free(log);
	if (ret)
		die2("%s", err);
	return 0;
}

static int do_alerts(struct history *h, const struct hopts *o)
{
	struct res_alert *a;
	size_t n;
	char err[2048];

	if (alerts_list(h, &a, &n))
		die2("%s: reading alerts failed", o->history);
	if (o->json) {
		if (res_write_alerts(stdout, a, n, err, sizeof(err))) {
			free(a);
			die2("%s", err);
		}
	} else if (!n) {
		printf("no alert in %s\n", o->history);
	} else {
		printf("%-4s %-12s %-7s %-12s %-12s %10s %9s  %-18s %-8s %s\n", "id", "benchmark", "mode",
		       "verdict", "commit", "ticks", "%", "phase", "state", "subject");
		for (size_t i = 0; i < n; i++)
			printf("%-4lld %-12s %-7s %-12s %-12.12s %+10.3f %+8.2f%%  %-18s %-8s %s\n",
			       a[i].id, a[i].benchmark, a[i].mode, a[i].verdict, a[i].commit, a[i].change,
			       a[i].change_pct, a[i].phase[0] ? a[i].phase : "-", a[i].state,
			       a[i].subject);
	}
	free(a);
	return 0;
}

/* export-changes --host H [-o FILE]: that host's changes and alerts, for a fleet's master */
static int do_export_changes(struct history *h, const struct hopts *o)
{
	char err[2048], tmp[PATH_MAX];
	size_t nc, na;
	FILE *f = stdout;
	int ret;

	if (!o->host)
		die2("export-changes: --host H (the host whose changes to write)");
	if (o->output) {
		snprintf(tmp, sizeof(tmp), "%s.tmp", o->output);
		if (!(f = fopen(tmp, "w")))
			die2("%s: %s", tmp, strerror(errno));
	}
	ret = history_export_changes(h, o->host, f, &nc, &na, err, sizeof(err));
	if (o->output) {
		if (fclose(f) && !ret)
			ret = history_err(err, sizeof(err), -EIO, "%s: %s", tmp, strerror(errno));
		if (!ret && rename(tmp, o->output))
			ret = history_err(err, sizeof(err), -EIO, "%s: %s", o->output, strerror(errno));
		if (ret)
			unlink(tmp);
	}
	if (ret)
		die2("%s", err);
	fprintf(stderr, "%s: %zu change(s) of host %s, %zu with an alert\n", o->history, nc,
		o->host, na);
	return 0;
}

/* import-changes --host H FILE: what export-changes wrote on host H */
static int do_import_changes(struct history *h, const struct hopts *o, int n, char **args)
{
	struct history_sync_report rep;
	char err[2048];

	if (!o->host || n != 1)
		die2("import-changes: --host H FILE (what export-changes wrote on host H)");
	if (history_import_changes(h, o->host, args[0], &rep, err, sizeof(err)))
		die2("%s", err);
	printf("%s: %zu change(s) of host %s stored, %zu with an alert; %zu skipped (their nights "
	       "are not in this history)\n", o->history, rep.changes, o->host, rep.alerts,
	       rep.skipped);
	return 0;
}

static int do_triage(struct history *h, const char *state, int n, char **args)
{
	char err[2048];
	long long id;

	if (n != 1 || parse_ll(args[0], &id))
		die2("history %s: give one alert id (exitbench history alerts lists them)", state);
	if (alerts_triage(h, id, state, err, sizeof(err)))
		die2("%s", err);
	return 0;
}

static int do_has(struct history *h, const struct hopts *o)
{
	struct history_nightrow *nights;
	size_t n;
	int found = 0;

	if (!o->tree || !o->commit || !o->host)
		die2("history has needs --tree, --commit and --host");
	if (history_nights(h, &nights, &n))
		die2("%s: reading nights failed", o->history);
	for (size_t i = 0; i < n; i++)
		found |= !strcmp(nights[i].n.tree, o->tree) && !strcmp(nights[i].n.commit, o->commit) &&
			 !strcmp(nights[i].n.host, o->host);
	free(nights);
	return found ? 0 : 1;
}

static int do_show(struct history *h, const struct hopts *o)
{
	struct history_nightrow *nights;
	size_t n;

	if (history_nights(h, &nights, &n))
		die2("%s: reading nights failed", o->history);
	printf("%-5s %-12s %-8s %-20s %-24s %s\n", "night", "commit", "build", "started", "host",
	       "subject");
	for (size_t i = 0; i < n; i++)
		printf("%-5lld %-12.12s %-8s %-20s %-24.24s %s\n", nights[i].id, nights[i].n.commit,
		       nights[i].n.build, nights[i].n.started, nights[i].n.host, nights[i].n.subject);
	free(nights);
	return 0;
}

static int do_page(struct history *h, const struct hopts *o)
{
	const char *dir = o->output ? o->output : DEFAULT_SITE;
	struct page_report rep;
	char err[2048];

	if (page_write(h, dir, &rep, err, sizeof(err)))
		die2("%s", err);
	printf("%s/index.html: %zu series, %zu nights, %zu alerts (%zu pages, %zu plots)\n", dir,
	       rep.series, rep.nights, rep.alerts, rep.pages, rep.plots);
	if (rep.plots_failed) {
		fprintf(stderr, "exitbench: %zu plot(s) not drawn: %s; the pages say so in their "
			"place\n", rep.plots_failed, plot_strerror(rep.plot_err));
		return 1;
	}
	return 0;
}

int cmd_history(int argc, char **argv)
{
	static const char usage[] =
		"usage: exitbench history COMMAND [--history FILE] ...\n"
		"  import [--night NIGHT.json] [RESULTS.json...]   store runs (a night in one transaction)\n"
		"  check                                          open (create) and check the history\n"
		"  has --tree T --commit C --host H               exit 0 when that night is stored\n"
		"  show                                           the nights\n"
		"  detect [--threshold PCT] [--floor TICKS] [--p-value P] [--candidates FILE]\n"
		"  confirm --fp ID --mode M --before N --after N BASE.json PATCHED.json [--comparison DIR]\n"
		"          [--until PCT: the comparison was sequential, judged by its confidence sequence]\n"
		"  blame --fp ID --mode M --before N --after N --commit C --subject S --how H [--log FILE]\n"
		"  alerts [--json]                                every alert, newest first\n"
		"  ack|invalid|expected ID                        triage an alert\n"
		"  export-changes --host H [-o FILE]              H's changes and alerts (JSON), for a fleet\n"
		"  import-changes --host H FILE                   ... into a fleet's history\n"
		"  page [-o DIR]                                  the static site: index.html, a page\n"
		"                                                 a series, alerts.html, feed.xml\n"
		"                                                 (default DIR " DEFAULT_SITE ")";
	struct history *h;
	struct hopts o;
	const char *what;
	int first, ret;

	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		fprintf(argc < 2 ? stderr : stdout, "%s\n", usage);
		return argc < 2 ? 2 : 0;
	}
	what = argv[1];
	first = parse(argc - 1, argv + 1, &o);
	if (first < 0)
		die2("%s", usage);
	argc -= 1 + first;
	argv += 1 + first;
	if (strcmp(what, "import") && strcmp(what, "check") && strcmp(what, "has") &&
	    strcmp(what, "show") && strcmp(what, "detect") && strcmp(what, "confirm") &&
	    strcmp(what, "blame") && strcmp(what, "alerts") && strcmp(what, "ack") &&
	    strcmp(what, "invalid") && strcmp(what, "expected") && strcmp(what, "page") &&
	    strcmp(what, "export-changes") && strcmp(what, "import-changes"))
		die2("history: unknown command '%s'\n%s", what, usage);
	/* only storing creates a history; reading one that is not there is a mistake */
	if (open_history(&o, !strcmp(what, "import") || !strcmp(what, "check"), &h))
		return 2;
	if (!strcmp(what, "import"))
		ret = do_import(h, &o, argc, argv);
	else if (!strcmp(what, "check"))
		ret = 0;
	else if (!strcmp(what, "has"))
		ret = do_has(h, &o);
	else if (!strcmp(what, "show"))
		ret = do_show(h, &o);
	else if (!strcmp(what, "detect"))
		ret = do_detect(h, &o);
	else if (!strcmp(what, "confirm"))
		ret = do_confirm(h, &o, argc, argv);
	else if (!strcmp(what, "blame"))
		ret = do_blame(h, &o);
	else if (!strcmp(what, "alerts"))
		ret = do_alerts(h, &o);
	else if (!strcmp(what, "page"))
		ret = do_page(h, &o);
	else if (!strcmp(what, "export-changes"))
		ret = do_export_changes(h, &o);
	else if (!strcmp(what, "import-changes"))
		ret = do_import_changes(h, &o, argc, argv);
	else
		ret = do_triage(h, what, argc, argv);
	history_close(h);
	return ret;
}
