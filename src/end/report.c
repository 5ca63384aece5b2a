#include "end/report.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/list.h"
#include "model/run.h"
#include "os/tsc.h"
#include "os/util.h"
#include "seq/seq.h"

/* JSON events gathered during the run, written once at the end. */
static char *events;
static size_t events_len;
static int divergences;	/* events that make the run a divergence */

static void json_append(const char *s)
{
	size_t n = strlen(s);

	events = xrealloc(events, events_len + n + 2);
	if (events_len)
		events[events_len++] = ',';
	memcpy(events + events_len, s, n + 1);
	events_len += n;
}

static void json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char ch = *s;

		if (ch == '"' || ch == '\\')
			fprintf(f, "\\%c", ch);
		else if (ch < 32 || ch >= 127)
			fprintf(f, "\\u%04x", ch);
		else
			fputc(ch, f);
	}
	fputc('"', f);
}

/* One JSON event, written into memory, then added to the list. */
struct event {
	FILE *js;
	char *buf;
	size_t len;
};

static FILE *event_open(struct event *ev)
{
	ev->buf = NULL;
	ev->len = 0;
	ev->js = open_memstream(&ev->buf, &ev->len);
	if (!ev->js)
		die_errno("open_memstream");
	return ev->js;
}

/* Ends the event, with what replicant does about it (on txt too) if
 * action is not NULL. */
static void event_close(struct event *ev, FILE *txt, const char *action)
{
	if (action) {
		fprintf(txt, "  action: %s\n", action);
		fprintf(ev->js, ",\"action\":");
		json_str(ev->js, action);
	}
	fprintf(ev->js, "}");
	fclose(ev->js);
	json_append(ev->buf);
	free(ev->buf);
}

static void hex(FILE *f, const void *p, size_t len)
{
	const unsigned char *b = p;
	size_t i;

	for (i = 0; i < len; i++)
		fprintf(f, "%02x", b[i]);
}

/* The bytes of argument arg of c around offset, as text and as hex. */
static void bytes_around(FILE *txt, FILE *js, const struct call *c, int arg, long off)
{
	size_t start = off > 8 ? off - 8 : 0, len, i;
	const unsigned char *b = c->buf[arg];

	if (!b || (size_t)off > c->len[arg]) {
		fprintf(txt, "(none)");
		fprintf(js, "\"\"");
		return;
	}
	len = c->len[arg] - start < 24 ? c->len[arg] - start : 24;
	for (i = 0; i < len; i++)
		fprintf(txt, "%02x ", b[start + i]);
	fprintf(txt, "%*s|", (int)(24 - len) * 3, "");
	for (i = 0; i < len; i++)
		fputc(b[start + i] >= 32 && b[start + i] < 127 ? b[start + i] : '.', txt);
	fprintf(txt, "|");
	fputc('"', js);
	hex(js, b + start, len);
	fputc('"', js);
}

static int first_arrived(const struct entry *e, int skip)
{
	int i;

	for (i = 0; i < opt.n; i++)
		if (e->call[i] && i != skip)
			return i;
	return -1;
}

/* Replica i's call at e, beside the reference ref's, as text and JSON. */
static void divergence_replica(FILE *txt, FILE *js, const struct entry *e, const struct tally *t,
			       int ref, int i)
{
	const struct call *c = e->call[i], *o;
	char line[512];
	struct call_diff d;

	fprintf(js, "%s{\"replica\":%d,\"majority\":%s", i ? "," : "", i,
		t->winner >= 0 && (t->agree & (1u << i)) ? "true" : "false");
	if (!c) {
		fprintf(txt, "  replica %d: (not arrived)\n", i);
		fprintf(js, ",\"call\":null}");
		return;
	}
	call_format(c, line, sizeof(line));
	fprintf(txt, "  replica %d%s: %s\n", i,
		t->winner >= 0 ? ((t->agree & (1u << i)) ? " (majority)" : " (minority)") : "", line);
	fprintf(js, ",\"call\":");
	json_str(js, line);
	fprintf(js, ",\"syscall\":");
	json_str(js, sysent_name(c->nr));
	fprintf(js, ",\"ip\":\"%#llx\"", (unsigned long long)c->ip);
	o = (i == ref) ? e->call[first_arrived(e, ref) >= 0 ? first_arrived(e, ref) : ref] : e->call[ref];
	d = call_first_diff(o, c);
	if (d.arg >= 0 && d.offset >= 0) {
		fprintf(txt, "    argument %d, from byte %ld: ", d.arg, d.offset);
		fprintf(js, ",\"diff_arg\":%d,\"diff_offset\":%ld,\"bytes\":", d.arg, d.offset);
		bytes_around(txt, js, c, d.arg, d.offset);
		fprintf(txt, "\n");
	} else if (d.arg >= 0) {
		fprintf(txt, "    argument %d differs\n", d.arg);
		fprintf(js, ",\"diff_arg\":%d", d.arg);
	} else if (d.arg == -1) {
		fprintf(js, ",\"diff_arg\":\"syscall\"");
	}
	fprintf(js, "}");
}

/* What each replica's thread did just before e, the calls kept in
 * model/list.c: where their paths parted is often a few calls back. */
static void divergence_before(FILE *txt, FILE *js, const struct entry *e)
{
	uint64_t from = e->seq > PAST_CALLS - 1 ? e->seq - (PAST_CALLS - 1) : 0, s;
	const struct past_call *pc;
	char line[160];
	int i, shown;

	fprintf(txt, "  the calls before it, oldest first:\n");
	fprintf(js, ",\"before\":[");
	for (i = 0; i < opt.n; i++) {
		fprintf(js, "%s[", i ? "," : "");
		for (s = from, shown = 0; s < e->seq; s++) {
			pc = list_past(e->grp, i, s);
			if (!pc)
				continue;
			snprintf(line, sizeof(line), "#%llu %s(%#llx, %#llx, %#llx, ...)",
				 (unsigned long long)s, sysent_name(pc->nr),
				 (unsigned long long)pc->args[0], (unsigned long long)pc->args[1],
				 (unsigned long long)pc->args[2]);
			fprintf(txt, "    replica %d %s\n", i, line);
			fprintf(js, "%s", shown++ ? "," : "");
			json_str(js, line);
		}
		fprintf(js, "]");
	}
	fprintf(js, "]");
}

void report_divergence(const struct entry *e, const struct tally *t, const char *action)
{
	char *tbuf = NULL;
	size_t tlen = 0;
	struct event ev;
	FILE *txt = open_memstream(&tbuf, &tlen), *js = event_open(&ev);
	int ref = t->winner >= 0 ? t->winner : first_arrived(e, -1), i;

	divergences++;
	if (!txt)
		die_errno("open_memstream");
	fprintf(txt, "replicant: DIVERGENCE in peer group %d at position %llu: %s\n",
		e->grp->id, (unsigned long long)e->seq, sysent_name(e->call[ref]->nr));
	fprintf(js, "{\"event\":\"divergence\",\"peer_group\":%d,\"position\":%llu,\"syscall\":",
		e->grp->id, (unsigned long long)e->seq);
	json_str(js, sysent_name(e->call[ref]->nr));
	fprintf(js, ",\"replicas\":[");
	for (i = 0; i < opt.n; i++)
		divergence_replica(txt, js, e, t, ref, i);
	fprintf(js, "]");
	divergence_before(txt, js, e);
	event_close(&ev, txt, action);
	if (!opt.pthread)
		fprintf(txt, "  note: run with --no-pthread, so threads that share memory are not "
			     "ordered: a threaded program can diverge on its own timing\n");
	if (!tsc_traps)
		fprintf(txt, "  note: rdtsc does not trap on this machine, so a program that reads the "
			     "time-stamp counter itself gets each replica's own value (see --report's "
			     "rdtsc_traps)\n");
	fclose(txt);
	fwrite(tbuf, 1, tlen, stderr);
	fflush(stderr);
	free(tbuf);
}

void report_stall(const struct entry *e, uint32_t missing, uint64_t waited_ns, const char *action)
{
	char line[512];
	struct event ev;
	FILE *js = event_open(&ev);
	int i, ref = first_arrived(e, -1);

	divergences++;
	fprintf(stderr, "replicant: STALL in peer group %d at position %llu (%s): waited %.1f s\n",
		e->grp->id, (unsigned long long)e->seq, ref >= 0 ? sysent_name(e->call[ref]->nr) : "?",
		waited_ns / 1e9);
	fprintf(js, "{\"event\":\"stall\",\"peer_group\":%d,\"position\":%llu,\"waited_s\":%.1f,\"replicas\":[",
		e->grp->id, (unsigned long long)e->seq, waited_ns / 1e9);
	for (i = 0; i < opt.n; i++) {
		if (i)
			fprintf(js, ",");
		if (missing & (1u << i)) {
			const struct peer *p = e->grp->member[i];

			if (!p)
				snprintf(line, sizeof(line), "has not been created yet");
			else if (p->exited)
				snprintf(line, sizeof(line), "has ended");
			else
				seq_describe_wait(p->proc->pid, p->tid, line, sizeof(line));
			fprintf(stderr, "  replica %d: has not reached this position; its thread %s\n",
				i, line);
			fprintf(js, "{\"replica\":%d,\"arrived\":false,\"thread\":", i);
			json_str(js, line);
			fprintf(js, "}");
		} else if (e->call[i]) {
			call_format(e->call[i], line, sizeof(line));
			fprintf(stderr, "  replica %d: %s, at %s\n", i,
				replicas[i].reaped ? "arrived and has since ended" :
				"waits for replica(s) behind it", line);
			fprintf(js, "{\"replica\":%d,\"arrived\":true,\"call\":", i);
			json_str(js, line);
			fprintf(js, "}");
		} else {
			fprintf(js, "{\"replica\":%d,\"arrived\":null}", i);
		}
	}
	fprintf(js, "],\"regions\":[");
	seq_describe_lag(stderr, js);
	fprintf(js, "]");
	event_close(&ev, stderr, action);
}

void report_region_stall(const struct seq_stall *st, const char *action)
{
	struct event ev;
	FILE *js = event_open(&ev);

	divergences++;
	fprintf(stderr, "replicant: STALL in sequential regions: domain %u of the process of peer "
		"group %d has a replica behind, and no replica moved for %.1f s\n", st->slot,
		st->gid, st->waited_ns / 1e9);
	fprintf(js, "{\"event\":\"region_stall\",\"peer_group\":%d,\"domain\":%u,"
		"\"waited_s\":%.1f,\"regions\":[", st->gid, st->slot, st->waited_ns / 1e9);
	seq_describe_lag(stderr, js);
	fprintf(js, "]");
	event_close(&ev, stderr, action);
}

void report_released(int gid, int r, uint32_t slot, uint32_t vtid, const char *why)
{
	struct event ev;
	FILE *js = event_open(&ev);

	fprintf(stderr, "replicant: replica %d no longer follows the lock order of the process of "
		"peer group %d: in domain %u it waited for thread %u, which %s; its threads take "
		"the locks in their own order from now on, and its outputs are still voted\n", r,
		gid, slot, vtid, why);
	fprintf(js, "{\"event\":\"region_released\",\"peer_group\":%d,\"replica\":%d,"
		"\"domain\":%u,\"waited_for\":%u,\"why\":", gid, r, slot, vtid);
	json_str(js, why);
	event_close(&ev, stderr, NULL);
}

void report_passed(int gid, int r, uint32_t slot, uint32_t vtid, int n)
{
	struct event ev;
	FILE *js = event_open(&ev);

	fprintf(js, "{\"event\":\"region_passed\",\"peer_group\":%d,\"replica\":%d,"
		"\"domain\":%u,\"thread\":%u,\"entries\":%d", gid, r, slot, vtid, n);
	event_close(&ev, stderr, NULL);
}

void report_misuse(int gid, int vtid, const char *what)
{
	struct event ev;
	FILE *js = event_open(&ev);

	fprintf(stderr, "replicant: sequential regions: thread %d (peer group %d): %s\n", vtid, gid,
		what);
	fprintf(js, "{\"event\":\"region_misuse\",\"peer_group\":%d,\"thread\":%d,\"what\":", gid,
		vtid);
	json_str(js, what);
	event_close(&ev, stderr, NULL);
}

static FILE *report_file;	/* --report, opened at the start */

void report_open(void)
{
	if (!opt.report_path)
		return;
	report_file = fopen(opt.report_path, "we");
	if (!report_file)
		die_errno("cannot write report %s", opt.report_path);
}

void report_finish(int exit_code)
{
	FILE *f = report_file;
	int i;

	if (!f)
		return;
	fprintf(f, "{\"replicas\":%d,\"exit_code\":%d,\"diverged\":%s,\"rdtsc_traps\":%s,"
		   "\"pthread\":\"%s\",\"program\":[",
		opt.n, exit_code, divergences ? "true" : "false", tsc_traps ? "true" : "false",
		!opt.pthread ? "off" : opt.pthread_serial ? "serial" : "on");
	for (i = 0; opt.argv[i]; i++) {
		if (i)
			fprintf(f, ",");
		json_str(f, opt.argv[i]);
	}
	fprintf(f, "],\"events\":[%s]}\n", events ? events : "");
	if (fclose(f) != 0)
		warnmsg("cannot write report %s: %s", opt.report_path, strerror(errno));
}
