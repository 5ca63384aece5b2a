# Replicant: one plain GNU Makefile.
PREFIX ?= /usr/local
DESTDIR ?=
CC ?= cc
CFLAGS ?= -O2 -g
WARN = -Wall -Wextra -Wswitch-enum -Werror=switch-default -Werror=missing-prototypes \
       -Werror=implicit-function-declaration -Wno-missing-field-initializers
ALL_CFLAGS = -std=c11 -D_GNU_SOURCE $(WARN) $(CFLAGS)
LDLIBS = -lseccomp -lpthread

SRC = $(wildcard src/*.c)
OBJ = $(SRC:src/%.c=build/%.o)
PROGS_SRC = $(wildcard tests/progs/*.c)
PROGS = $(PROGS_SRC:tests/progs/%.c=build/tests/%)
UNIT_SRC = $(wildcard tests/unit/*.c)
UNITS = $(UNIT_SRC:tests/unit/%.c=build/unit/%)

all: build/replicant

build/%.o: src/%.c $(wildcard src/*.h) | build
	$(CC) $(ALL_CFLAGS) -c $< -o $@

build/replicant: $(OBJ)
	$(CC) $(ALL_CFLAGS) $^ -o $@ $(LDLIBS)

build:
	mkdir -p build build/tests build/unit build/bench

build/tests/%: tests/progs/%.c | build
	$(CC) -std=gnu11 -O1 -g -Wall $< -o $@ -lpthread

build/unit/%: tests/unit/%.c $(filter-out build/main.o,$(OBJ)) | build
	$(CC) $(ALL_CFLAGS) -Isrc $^ -o $@ $(LDLIBS)

# Debian packages the build and the tests need.
deps:
	@if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		missing=""; for p in $(DEB_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
		if [ -n "$$missing" ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; fi; \
	fi
DEB_PACKAGES = gcc make libseccomp-dev pkg-config perl python3 coreutils gzip util-linux procps \
	findutils pigz xz-utils

check: deps all $(PROGS) $(UNITS)
	prove -v -j1 tests/t/ 2>&1 | tee build/check.log | grep -v '^ok ' ; test $${PIPESTATUS[0]} -eq 0
SHELL = /bin/bash

demo: all build/tests/addr build/tests/hello
	@bash tests/demo.sh

bench: all build/tests/manythreads
	@bash bench/run.sh

soak: all
	@bash bench/soak.sh

install: all
	install -d $(DESTDIR)$(PREFIX)/bin
	install -m 755 build/replicant $(DESTDIR)$(PREFIX)/bin/replicant

clean:
	rm -rf build

.PHONY: all check demo bench soak install clean deps
