#!/usr/bin/env bash
# perl one-liners: same stdout and exit status natively and sandboxed.
. "$(dirname "$0")/lib.sh"

PERL=${PERL:-/usr/bin/perl}
cd "$IT_WORK" || exit 1
printf 'pear\napple\nfig\nbanana\napple\n' >fruits.txt

it_compare hello "$PERL" -e 'print "hello from perl\n"'
it_compare map-join "$PERL" -e 'print join(",", map { $_ * $_ } 1..10), "\n"'
it_compare hash-sort "$PERL" -e 'my %h; $h{$_}++ for qw(a b a c b a); print "$_=$h{$_}\n" for sort keys %h'
it_compare ne-file "$PERL" -ne 'print uc if /an/' fruits.txt
it_compare lane "$PERL" -lane 'print scalar reverse $F[0]' fruits.txt
it_compare slurp "$PERL" -e 'local $/; open my $f, "<", "fruits.txt" or die; my $d = <$f>; print length($d), "\n"'
it_compare digest-md5 "$PERL" -MDigest::MD5=md5_hex -e 'open my $f, "<", "fruits.txt"; binmode $f; local $/; print md5_hex(<$f>), "\n"'
it_compare digest-sha "$PERL" -MDigest::SHA=sha256_hex -e 'print sha256_hex("sandbox"), "\n"'
it_compare sprintf "$PERL" -e 'printf "%05.1f|%-4s|%x|%e\n", 3.14159, "ab", 255, 12345.678'
it_compare regex "$PERL" -e '$_ = "2024-01-15"; my ($y, $m, $d) = /(\d+)-(\d+)-(\d+)/; print $y + $m + $d, "\n"'
it_compare system-backticks "$PERL" -e 'my $o = `echo from shell`; print "got: $o"; system("/bin/sh", "-c", "exit 2"); print $? >> 8, "\n"'
it_compare fork-wait "$PERL" -e 'my $p = fork; if (!$p) { exit 6 } waitpid($p, 0); print $? >> 8, "\n"'
it_compare die "$PERL" -e 'die "dying on purpose\n"'
it_compare exit-status "$PERL" -e 'exit 42'
it_compare readdir "$PERL" -e 'opendir my $d, "/usr/share/doc/coreutils" or die; print join(" ", sort grep { !/^\./ } readdir $d), "\n"'
it_compare file-tests "$PERL" -e 'print join(",", map { (-e $_ ? 1 : 0) . (-d $_ ? "d" : "") . (-f $_ ? "f" : "") } "fruits.txt", "/usr", "/nope"), "\n"'
it_compare write-read "$PERL" -e 'my $n = "perl-tmp-$$"; open my $o, ">", $n or die; print $o "x" x 1000; close $o; print -s $n, "\n"; unlink $n or die; print -e $n ? "still there\n" : "gone\n"'
it_summary
