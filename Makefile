# Replicant: one plain GNU Makefile.
PREFIX ?= /usr/local
DESTDIR ?=
CC ?= cc
CFLAGS ?= -O2 -g
WARN = -Wall -Wextra -Wswitch-enum -Werror=switch-default -Werror=missing-prototypes \
       -Werror=implicit-function-declaration -Wno-missing-field-initializers
ALL_CFLAGS = -std=c11 -D_GNU_SOURCE $(WARN) $(CFLAGS)
LDLIBS = -lseccomp -lpthread

# src/ has one folder per layer (README "Layout"); objects mirror it.
SRC = $(wildcard src/*.c src/*/*.c)
OBJ = $(SRC:src/%.c=build/%.o)
SRC_HDR = $(wildcard src/*/*.h)
PROGS_SRC = $(wildcard tests/progs/*.c)
PROGS = $(PROGS_SRC:tests/progs/%.c=build/tests/%)
UNIT_SRC = $(wildcard tests/unit/*.c)
UNITS = $(UNIT_SRC:tests/unit/%.c=build/unit/%)

all: build/replicant

build/%.o: src/%.c $(SRC_HDR) lib/protocol.h lib/orderlog.h | build
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -Isrc -c $< -o $@

# the monitor formats and reads the regions of sequential regions with the
# library's own order log code
MON_LIB_OBJ = build/lib/orderlog.o

build/replicant: $(OBJ) $(MON_LIB_OBJ)
	$(CC) $(ALL_CFLAGS) $^ -o $@ $(LDLIBS)

build:
	mkdir -p build build/tests build/unit build/bench

build/tests/%: tests/progs/%.c tests/progs/replica_index.h | build
	$(CC) -std=gnu11 -O1 -g -Wall $< -o $@ -lpthread

build/unit/%: tests/unit/%.c $(filter-out build/main.o,$(OBJ)) $(MON_LIB_OBJ) | build
	$(CC) $(ALL_CFLAGS) -Isrc $(filter-out %.h,$^) -o $@ $(LDLIBS)

# Debian packages the build and the tests need.
deps:
	@if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		missing=""; for p in $(DEB_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
		if [ -n "$$missing" ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; fi; \
	fi
DEB_PACKAGES = gcc make libseccomp-dev pkg-config perl python3 coreutils gzip util-linux procps \
	findutils pigz xz-utils memcached sqlite3 nginx-light apache2-bin redis-server redis-tools squid \
	bzip2 zstd gawk jq bc git patch openssl diffutils tar

check: deps all $(PROGS) $(UNITS)
	prove -v -j1 tests/t/ 2>&1 | tee build/check.log | grep -v '^ok ' ; test $${PIPESTATUS[0]} -eq 0
SHELL = /bin/bash

demo: deps all build/tests/addr build/tests/hello build/tests/pthread/bank
	@bash tests/demo.sh

bench: all build/tests/manythreads
	@bash bench/run.sh
	@bash bench/seq.sh
	@bash bench/handoff.sh
	@bash bench/pthread.sh
	@bash bench/preload.sh
	@bash bench/pythreads.sh

# make bench-servers: Apache, nginx and redis plain on one and two CPUs, and
# under -n 2 and -n 3, under wrk and redis-benchmark (the seed's Table 7.1;
# bench/servers.sh)
bench-servers: all
	@bash bench/servers.sh

# make bench-breakdown: the monitor's time by call under --profile
# (bench/breakdown.sh), beside the bare notification round trip
bench-breakdown: all
	@bash bench/breakdown.sh

# make bench-server-profile: Apache worker under load at -n 2, where the
# monitor's and the replicas' time goes (bench/serverprofile.sh)
bench-server-profile: all
	@bash bench/serverprofile.sh

# make bench-server-compare OLD=/path/to/old/replicant: Apache worker under
# wrk, this build against another, run by run in turn (bench/servercompare.sh)
bench-server-compare: all
	@OLD="$(OLD)" bash bench/servercompare.sh

# make bench-compare OLD=/path/to/old/replicant: this build against another,
# on the monitor's hot paths, run by run in turn (bench/compare.sh)
bench-compare: all build/tests/manythreads build/bench/handoff build/bench/pthread
	@OLD="$(OLD)" bash bench/compare.sh

# the corpus of everyday command lines (tests/corpus/): every line RUNS
# times at -n 2 and -n 3 against a plain run, a table by program
corpus: deps all
	bash bench/corpus.sh

soak: all
	@bash bench/soak.sh

# the sh -c cases of tests/t/90, many times (SH_RUNS, SH_LOAD=1)
shsoak: all
	@bash bench/shsoak.sh

install: all
	install -d $(DESTDIR)$(PREFIX)/bin
	install -m 755 build/replicant $(DESTDIR)$(PREFIX)/bin/replicant

clean:
	rm -rf build

.PHONY: all check demo bench bench-servers bench-server-profile bench-server-compare bench-breakdown bench-compare corpus soak shsoak install clean deps

# ---- libreplicant: sequential regions (lib/, include/; see lib/README.md) ----
# The library loaded into replicas: PIC objects with hidden visibility (only
# the API is exported), a shared object with its soname, a pkg-config file.
# Its unit tests (tests/unit/test_orderlog.c, test_seq*.c) and benchmark link
# its objects directly, not src/.
LIB_SRC = $(wildcard lib/*.c)
LIB_OBJ = $(LIB_SRC:lib/%.c=build/lib/%.o)
LIB_HDR = $(wildcard lib/*.h) include/replicant.h
LIB_SONAME = libreplicant.so.0
LIB_REAL = libreplicant.so.0.1
LIB_VERSION = 0.1
LIB_CFLAGS = $(ALL_CFLAGS) -fPIC -fvisibility=hidden -Iinclude -Ilib
LIBDIR ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
PKGCONFIGDIR ?= $(LIBDIR)/pkgconfig
# an rpath unless the library goes where the dynamic linker looks anyway
PC_RPATH = $(if $(filter /usr/lib /lib /usr/lib64 /lib64,$(LIBDIR)),,-Wl,-rpath,$${libdir})

all: build/lib/libreplicant.so

build/lib:
	mkdir -p build/lib build/unit build/bench

build/lib/%.o: lib/%.c $(LIB_HDR) | build/lib
	$(CC) $(LIB_CFLAGS) -c $< -o $@

build/lib/$(LIB_REAL): $(LIB_OBJ)
	$(CC) $(LIB_CFLAGS) -shared -Wl,-soname,$(LIB_SONAME) -Wl,--no-undefined -Wl,-z,now \
		$^ -o $@

build/lib/libreplicant.so: build/lib/$(LIB_REAL)
	ln -sf $(LIB_REAL) build/lib/$(LIB_SONAME)
	ln -sf $(LIB_SONAME) $@

# libreplicant-pthread.so (lib/pthread/): an LD_PRELOAD library that turns
# pthread calls into regions. It uses libreplicant.so.0 (found beside it:
# $$ORIGIN) and exports only the pthread, sem_ and FILE-locking stdio functions
# it replaces.
PT_SRC = $(wildcard lib/pthread/*.c)
PT_OBJ = $(PT_SRC:lib/%.c=build/lib/%.o)
PT_HDR = $(wildcard lib/pthread/*.h)
PT_SO = libreplicant-pthread.so

all: build/lib/$(PT_SO)

build/lib/pthread/%.o: lib/pthread/%.c $(LIB_HDR) $(PT_HDR) | build/lib
	@mkdir -p build/lib/pthread
	$(CC) $(LIB_CFLAGS) -c $< -o $@

build/lib/$(PT_SO): $(PT_OBJ) build/lib/libreplicant.so
	$(CC) $(LIB_CFLAGS) -shared -Wl,--no-undefined -Wl,-z,now $(PT_OBJ) -o $@ \
		-Lbuild/lib -lreplicant -ldl -Wl,-rpath,'$$ORIGIN'

# its unit tests run themselves under LD_PRELOAD of the built library
PT_UNITS = $(filter build/unit/test_pthread%,$(UNITS))

$(PT_UNITS): build/unit/%: tests/unit/%.c build/lib/$(PT_SO) | build/lib
	$(CC) $(LIB_CFLAGS) $< -o $@ -Lbuild/lib -lreplicant -Wl,-rpath,'$$ORIGIN/../lib' -lpthread

LIB_UNITS = $(filter build/unit/test_orderlog build/unit/test_seq build/unit/test_seq%,$(UNITS))

$(LIB_UNITS): build/unit/%: tests/unit/%.c $(LIB_OBJ) | build/lib
	$(CC) $(LIB_CFLAGS) $(filter-out %.h,$^) -o $@ -lpthread -lseccomp

# a program that misbehaves in its regions on purpose (tests/t/93): it
# links the objects to learn its replica index
build/tests/misbehave: tests/seq/misbehave.c $(LIB_OBJ) | build/lib build
	$(CC) $(LIB_CFLAGS) $^ -o $@ -lpthread

check: build/tests/misbehave

# a program that misuses the region API once of each kind (tests/t/95): it
# links the objects to reach its replica's state in the shared region
build/tests/misuse: tests/seq/misuse.c $(LIB_OBJ) | build/lib build
	$(CC) $(LIB_CFLAGS) $^ -o $@ -lpthread

check: build/tests/misuse

build/bench/seq: bench/seq.c $(LIB_OBJ) | build/lib
	$(CC) $(LIB_CFLAGS) $^ -o $@ -lpthread

bench: build/bench/seq build/bench/handoff build/bench/pthread

build/bench/handoff: bench/handoff.c build/lib/libreplicant.so | build/lib
	$(CC) $(ALL_CFLAGS) -Iinclude $< -Lbuild/lib -lreplicant -Wl,-rpath,$(CURDIR)/build/lib \
		-lpthread -o $@

# the loops bench/run.sh, breakdown.sh, compare.sh and soak.sh time, and
# the bare notification round trip they are measured against (the floor)
BENCH_LOOPS = build/bench/sysloop build/bench/floor
build/bench/sysloop: bench/sysloop.c | build
	$(CC) -O2 $< -o $@
build/bench/floor: bench/floor.c | build
	$(CC) -O2 $< -o $@ -lseccomp
bench bench-breakdown bench-compare soak: $(BENCH_LOOPS)

# plain pthread calls, run plain, with the library preloaded and under
# replicant run --pthread (bench/pthread.sh)
build/bench/pthread: bench/pthread.c | build
	$(CC) $(ALL_CFLAGS) $< -o $@ -lpthread

install: install-lib

install-lib: build/lib/libreplicant.so build/lib/$(PT_SO)
	install -d $(DESTDIR)$(LIBDIR) $(DESTDIR)$(INCLUDEDIR) $(DESTDIR)$(PKGCONFIGDIR)
	install -m 644 include/replicant.h $(DESTDIR)$(INCLUDEDIR)/replicant.h
	install -m 755 build/lib/$(LIB_REAL) $(DESTDIR)$(LIBDIR)/$(LIB_REAL)
	ln -sf $(LIB_REAL) $(DESTDIR)$(LIBDIR)/$(LIB_SONAME)
	ln -sf $(LIB_SONAME) $(DESTDIR)$(LIBDIR)/libreplicant.so
	install -m 755 build/lib/$(PT_SO) $(DESTDIR)$(LIBDIR)/$(PT_SO)
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@LIBDIR@|$(LIBDIR)|' \
		-e 's|@INCLUDEDIR@|$(INCLUDEDIR)|' -e 's|@VERSION@|$(LIB_VERSION)|' \
		-e 's|@RPATH@|$(PC_RPATH)|' lib/replicant.pc.in > $(DESTDIR)$(PKGCONFIGDIR)/replicant.pc
	chmod 644 $(DESTDIR)$(PKGCONFIGDIR)/replicant.pc

# make check also checks the shared object: only the API is exported, and
# an annotated program builds against an installed copy with pkg-config and
# runs outside replicant, in pass-through and in REPLICANT_SEQ_CHECK mode.
check: lib-check

lib-check: build/lib/libreplicant.so build/lib/$(PT_SO)
	@bash lib/check.sh

.PHONY: install-lib lib-check

# ---- issues 4 and 5: threaded test programs (tests/t/92-seq.t, 94-pthread.t) ----
# tests/progs/pthread/: plain pthread programs whose output depends on the
# lock order (replicated with --pthread); tests/progs/seq/: programs
# annotated by hand with sequential regions, linked with libreplicant.
PTHREAD_TEST_SRC = $(wildcard tests/progs/pthread/*.c)
PTHREAD_TESTS = $(PTHREAD_TEST_SRC:tests/progs/pthread/%.c=build/tests/pthread/%)
SEQ_TEST_SRC = $(wildcard tests/progs/seq/*.c)
SEQ_TESTS = $(SEQ_TEST_SRC:tests/progs/seq/%.c=build/tests/seq/%)

build/tests/pthread/%: tests/progs/pthread/%.c tests/progs/pthread/say.h | build
	@mkdir -p $(@D)
	$(CC) -std=gnu11 -O1 -g -Wall $< -o $@ -lpthread

build/tests/pthread/namedsem: tests/progs/pthread/sembuf.c	# it includes it

build/tests/seq/%: tests/progs/seq/%.c include/replicant.h build/lib/libreplicant.so | build
	@mkdir -p $(@D)
	$(CC) -std=gnu11 -O1 -g -Wall -Iinclude $< -Lbuild/lib -lreplicant \
		-Wl,-rpath,$(CURDIR)/build/lib -o $@ -lpthread

check: $(PTHREAD_TESTS) $(SEQ_TESTS)

# make seqsoak: the annotated programs and the pthread ones, many runs each
# under -n 2 and -n 3 (bench/seqsoak.sh); prints a table.
seqsoak: all $(PTHREAD_TESTS) $(SEQ_TESTS)
	@bash bench/seqsoak.sh

.PHONY: seqsoak

# make mcsoak: memcached under -n 2 and -n 3 --pthread, 4 clients racing on
# the same keys for 60 s per replica count (bench/memcached-soak.sh, which
# runs tests/t/96-memcached.t with MC_SECONDS=60)
mcsoak: deps all
	@bash bench/memcached-soak.sh

.PHONY: mcsoak

# ---- tests/unit/tap.h and tests/agree/ (tests/t/00-unit.t, 05-agree.t) ----
# Every unit test includes tests/unit/tap.h, its TAP helper: rebuilt when it
# changes (the unit rules above link $(filter-out %.h,$^)). test_tap checks
# tap.h itself and links nothing else.
$(UNITS): tests/unit/tap.h

build/unit/test_tap: tests/unit/test_tap.c tests/unit/tap.h | build
	$(CC) $(ALL_CFLAGS) $< -o $@

# tests/agree/NAME.c: a program whose replicated runs must give what its
# plain run gives (tests/t/05-agree.t); adding one is adding the file.
AGREE_SRC = $(wildcard tests/agree/*.c)
AGREE = $(AGREE_SRC:tests/agree/%.c=build/tests/agree/%)

build/tests/agree/%: tests/agree/%.c | build
	@mkdir -p $(@D)
	$(CC) -std=gnu11 -O1 -g -Wall $< -o $@ -lpthread

agree: $(AGREE)

check: $(AGREE)

.PHONY: agree

# ---- tests/attack/ (tests/t/98-attack.t): programs that misbehave in one
# replica only, one per class of attack; see the README's security model.
ATTACK_SRC = $(wildcard tests/attack/*.c)
ATTACK = $(ATTACK_SRC:tests/attack/%.c=build/tests/attack/%)

build/tests/attack/%: tests/attack/%.c tests/attack/attack.h | build
	@mkdir -p $(@D)
	$(CC) -std=gnu11 -O1 -g -Wall $< -o $@

check: $(ATTACK)

# make fuzz: one replica makes random calls with hostile arguments while its
# peers sleep; the monitor must end every run itself, change no file outside
# the run's scratch directory and leave no process (bench/fuzz.sh).
# FUZZ_SECONDS (default 60), FUZZ_SEED to replay.
build/tests/fuzz/fuzz: tests/fuzz/fuzz.c tests/attack/attack.h | build
	@mkdir -p $(@D)
	$(CC) -std=gnu11 -O1 -g -Wall $< -o $@ -lpthread

fuzz: all build/tests/fuzz/fuzz
	@bash bench/fuzz.sh

.PHONY: fuzz
