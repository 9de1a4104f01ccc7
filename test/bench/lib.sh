# Helpers the benches share (sourced after test/lib/common.sh).

# median: the median of the numbers on stdin, one a line (NaN for none)
median() { sort -n | awk '{ v[NR] = $1 } END { if (NR == 0) print "NaN"; else if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# note TEXT: a progress line on stderr, with the seconds since bench_clock
bench_clock() { started=$(date +%s); }
note() { printf '[%4ds] %s\n' $(($(date +%s) - ${started:-$(date +%s)})) "$*" >&2; }
