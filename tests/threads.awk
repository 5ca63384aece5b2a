# out_check's replay of an output (threads.sh): prints the first line that
# could not have come out of a correct run of the program PROG (-v prog=,
# -v threads= for counter), with why, and exits 1; nothing when it is right.
BEGIN {
	header["prodcons"] = "prodcons: 8 consumers, 100 items"
	header["prodcons_seq"] = "prodcons_seq: 8 consumers, 100 items"
	header["bank"] = "bank: 16 tellers, 8 accounts"
	header["workqueue"] = "workqueue: 4 workers, 64 jobs"
	header["rwlock"] = "rwlock: 4 readers, 2 writers"
	header["barrier"] = "barrier: 4 threads, 8 phases"
	header["sembuf"] = "sembuf: 2 producers, 4 consumers"
	header["namedsem"] = "namedsem: 2 producers, 4 consumers"
	header["trylock"] = "trylock: 4 threads, 5 rounds"
	header["printers"] = "printers: 2 threads, 500 lines each"
	header["pshared"] = "pshared: 2 processes, 2 threads each, 10 rounds"
	header["msgs"] = "msgs: 2 wide printers, 2 error printers, 300 lines each"
	for (i = 0; i < 8; i++)
		bal[i] = 1000
	split("20 44 96 204 424 868 1760 3548", phase_sum, " ")
}
function bad(why) { print "line " NR ": " why ": " $0; failed = 1; exit 1 }
# the header, printed by main before it starts the threads
NR == 1 {
	if (prog ~ /^counter/)
		want = prog ": " threads " threads, 10 rounds"
	else
		want = header[prog]
	if ($0 != want)
		bad("not the header \"" want "\"")
	next
}
# counter, counter_seq: "thread I round R: counter C", C the running sum
prog ~ /^counter/ && /^thread [0-9]+ round [0-9]+: counter [0-9]+$/ {
	id = $2; r = $4 + 0; sum += id; n++
	if (id < 1 || id > threads) bad("no such thread")
	if (r != rounds[id]++) bad("thread " id "'s rounds out of order")
	if ($6 != sum) bad("counter should be " sum)
	next
}
prog ~ /^counter/ && /^total / {
	if (n != threads * 10) bad(n " thread lines before it, not " threads * 10)
	if ($2 != sum) bad("the lines add up to " sum)
	done = 1; next
}
# prodcons, prodcons_seq: "consumer C took item I"; a FIFO with one
# producer: the items come out 1, 2, 3, ...
prog ~ /^prodcons/ && /^consumer [1-8] took item [0-9]+$/ {
	if ($5 != ++n) bad("item " n " expected")
	next
}
prog ~ /^prodcons/ && /^[0-9]+ items, sum / {
	if (n != 100) bad(n " items taken")
	done = 1; next
}
# bank: "teller T: A of W from F to G, balances BF BG": replayed on
# accounts of 1000 each, A = min(W, balance of F)
prog == "bank" && /^teller [0-9]+: [0-9]+ of [0-9]+ from [0-7] to [0-7], balances [0-9]+ [0-9]+$/ {
	t = $2 + 0; a = $3; w = $5; f = $7; g = $9 + 0; n++
	if (t < 1 || t > 16 || f == g) bad("no such teller or transfer")
	if (++count[t] > 10) bad("an 11th transfer")
	if (a != (w < bal[f] ? w : bal[f])) bad("amount should be " (w < bal[f] ? w : bal[f]))
	bal[f] -= a; bal[g] += a
	if ($11 != bal[f] || $12 != bal[g]) bad("balances should be " bal[f] " " bal[g])
	next
}
prog == "bank" && /^balances( [0-9]+)+$/ {
	if (NF != 9) bad("not 8 balances")
	if (n != 160) bad(n " transfers, not 160")
	for (i = 0; i < 8; i++)
		if ($(i + 2) != bal[i]) bad("account " i " should have " bal[i])
	balances = 1
	next
}
prog == "bank" && /^total / {
	if (!balances) bad("no balances line before it")
	done = 1; next
}
# workqueue: "worker W took job J", jobs in the order they were pushed
prog == "workqueue" && /^worker [1-4] took job [0-9]+$/ {
	if ($5 != ++n) bad("job " n " expected")
	next
}
prog == "workqueue" && /^[0-9]+ jobs done/ {
	if (n != 64) bad(n " jobs taken")
	done = 1; next
}
# rwlock: a writer bumps the version and adds its number; a reader
# prints while it holds the lock, so it saw the last write before it
prog == "rwlock" && /^writer [12]: version [0-9]+ value [0-9]+$/ {
	w = $2 + 0
	if ($4 != ++ver) bad("version " ver " expected")
	val += w
	if ($6 != val) bad("value " val " expected")
	if (++writes[w] > 8) bad("a 9th write")
	next
}
prog == "rwlock" && /^reader [1-4] round [0-9]+ saw version [0-9]+ value [0-9]+$/ {
	r = $2 + 0
	if ($4 != reads[r]++) bad("reader " r "'s rounds out of order")
	if ($7 != ver || $9 != val) bad("the last write was version " ver " value " val)
	nreads++
	next
}
prog == "rwlock" && /^final / {
	if (ver != 16 || nreads != 32) bad(ver " writes and " nreads " reads")
	done = 1; next
}
# barrier: "phase P: sum S (serial thread T)", one a phase, in order
prog == "barrier" && /^phase [0-9]+: sum [0-9]+ \(serial thread [0-3]\)$/ {
	if ($2 + 0 != n) bad("phase " n " expected")
	if ($4 != phase_sum[++n]) bad("the sum is " phase_sum[n])
	next
}
prog == "barrier" && /^result / {
	if (n != 8) bad(n " phases")
	done = 1; next
}
# sembuf: "consumer C took X", X = p * 1000 + i; one FIFO: each
# producer's items come out in the order it put them
# namedsem: the same with named semaphores
(prog == "sembuf" || prog == "namedsem") && /^consumer [1-4] took [12]0[0-9][0-9]$/ {
	p = int($4 / 1000); i = $4 % 1000; n++
	if (i != next_item[p]++ || i >= 40) bad("item " p * 1000 + next_item[p] - 1 " expected")
	next
}
(prog == "sembuf" || prog == "namedsem") && /^[0-9]+ items, sum / {
	if (n != 80) bad(n " items taken")
	done = 1; next
}
# msgs: "wide P line I", each printer's lines in order; then what main
# read back of stderr
prog == "msgs" && /^wide [12] line [0-9]+$/ {
	if ($4 != wide[$2]++) bad("printer " $2 "'s line " wide[$2] - 1 " expected")
	n++; next
}
prog == "msgs" && /^errors: / {
	if ($0 != "errors: 300 warnx lines in order, 300 perror lines in order")
		bad("stderr was not every line of each error printer, in order")
	errs = 1; next
}
prog == "msgs" && /^[0-9]+ lines$/ {
	if (n != 600 || !errs) bad(n " lines before it")
	done = 1; next
}
# pshared: "process P thread T round R: B busy, counter C", C the running
# sum of the ids P * 10 + T; the barrier's serial thread once, after every
# round of every thread; after them too, "process P thread T took item I",
# the items 1..20 in order
prog == "pshared" && /^process [12] thread [12] round [0-9]: [0-9]+ busy, counter [0-9]+$/ {
	k = $2 * 10 + $4; sum += k; n++
	if (serial) bad("a round after the barrier")
	if ($6 + 0 != rounds[k]++) bad("process " $2 " thread " $4 "'s rounds out of order")
	if ($10 != sum) bad("counter should be " sum)
	next
}
prog == "pshared" && /^barrier: serial thread [12] of process [12]$/ {
	if (n != 40 || serial++) bad("not once, after the 40 rounds")
	next
}
prog == "pshared" && /^process [12] thread [12] took item [0-9]+$/ {
	items++
	if (n != 40 || $7 != items) bad("item " items " expected, after every round")
	next
}
prog == "pshared" && /^total [0-9]+, [0-9]+ items$/ {
	if (!serial || $2 != sum "," || items != 20 || $3 != 20)
		bad("no barrier line, or the lines add up to " sum ", " items " items")
	done = 1; next
}
# trylock: per thread, the failures of each round add up to its summary
prog == "trylock" && /^thread [1-4] trylock [0-4]: [0-9]+ busy, counter [0-9]+$/ {
	t = $2 + 0; s1 += t
	if ($4 + 0 != r1[t]++) bad("thread " t "'s rounds out of order")
	if ($8 != s1) bad("counter should be " s1)
	busy[t] += $5
	next
}
prog == "trylock" && /^thread [1-4] timedlock [0-4]: [0-9]+ timeouts, counter [0-9]+$/ {
	t = $2 + 0; s2 += t
	if ($4 + 0 != r2[t]++) bad("thread " t "'s rounds out of order")
	if ($8 != s2) bad("counter should be " s2)
	tmo[t] += $5
	next
}
prog == "trylock" && /^thread [1-4] turn [0-4]: [0-9]+ timeouts$/ {
	t = $2 + 0
	if (t != turns % 4 + 1) bad("thread " turns % 4 + 1 "'s turn")
	if ($4 + 0 != r3[t]++) bad("thread " t "'s turns out of order")
	turns++; waits[t] += $5
	next
}
prog == "trylock" && /^thread [1-4]: [0-9]+ busy, [0-9]+ timeouts, [0-9]+ waits timed out$/ {
	t = $2 + 0
	if ($3 != busy[t] + 0 || $5 != tmo[t] + 0 || $7 != waits[t] + 0)
		bad("its rounds say " busy[t] + 0 " busy, " tmo[t] + 0 " timeouts, " waits[t] + 0 " waits")
	summaries++
	next
}
prog == "trylock" && /^trylock / {
	if (s1 != 50 || s2 != 50 || turns != 20 || summaries != 4) bad("not every round")
	done = 1; next
}
# printers: "printer P line I", each printer's lines in order
prog == "printers" && /^printer [12] line [0-9]+$/ {
	if ($4 != lines[$2]++) bad("line " lines[$2] - 1 " of printer " $2 " expected")
	n++
	next
}
prog == "printers" && /^[0-9]+ lines$/ {
	if (n != 1000) bad(n " lines")
	done = 1; next
}
done { bad("a line after the last") }
{ bad("unexpected") }
END {
	if (!failed && !done) { NR++; $0 = "(end)"; bad("no last line") }
}
