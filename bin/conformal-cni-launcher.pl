#!/usr/bin/perl
# Launcher of the embedded CNI reference plugins in a `conformal run cni`: the run links each
# plugin's name (conformal-ref, conformal-ref-ipam, conformal-ref-meta) in its CNI_PATH directory to
# this script and serves the calls from resident Node workers on a unix socket in that directory
# (src/interfaces/cni/resident.ts). Perl starts in a few milliseconds where Node needs some 25 ms
# of CPU, and a run makes over a hundred calls. The call is handed over whole - the path this
# script was executed by, its environment, all of stdin - and the plugin's stdout, stderr and exit
# code come back. Without the socket (a copied directory, a run that is over) the plugin's Node
# launcher, bin/conformal-cni-ref*.cjs beside this script, runs with the same argv, env and stdin.
# Framing: request = path, environment (NAME=value entries joined by NUL bytes), stdin; answer =
# exit code (32-bit big-endian) then stdout, stderr; each field a 32-bit big-endian length, then bytes.
use strict;
# Linux's values of AF_UNIX and SOCK_STREAM and its struct sockaddr_un (family, then the path):
# the Socket module (or even `use constant`) would cost more CPU than all the rest of this script.
my ($AF_UNIX, $SOCK_STREAM) = (1, 1);
sub sockaddr_un { pack('S Z*', $AF_UNIX, $_[0]) }

my $self = $0;
my $dir = $self =~ m{^(.*)/[^/]*$} ? ($1 eq '' ? '/' : $1) : '.';

# The Node launcher of this plugin, beside the file $self links to; told the path it was executed by.
sub fallback {
    my $real = readlink($self) // $self;
    $real = "$dir/$real" unless $real =~ m{^/};
    my $bin = $real =~ m{^(.*)/[^/]*$} ? $1 : '.';
    (my $name = $self) =~ s{^.*/}{};
    $name =~ s/^conformal-ref/conformal-cni-ref/;
    $ENV{CONFORMAL_REF_SELF} = $self;
    exec { "$bin/$name.cjs" } "$bin/$name.cjs", @ARGV;
    die "$self: cannot run $bin/$name.cjs: $!\n";
}

socket(my $socket, $AF_UNIX, $SOCK_STREAM, 0) or fallback();
connect($socket, sockaddr_un("$dir/.conformal-ref.sock")) or fallback();

binmode STDIN;
my $stdin = do { local $/; <STDIN> } // '';
my $env = join("\0", map { "$_=$ENV{$_}" } keys %ENV);
my $request = pack('N/a* N/a* N/a*', $self, $env, $stdin);
$SIG{PIPE} = 'IGNORE';
for (my $sent = 0; $sent < length $request; ) {
    my $n = syswrite($socket, $request, length($request) - $sent, $sent);
    die "$self: the resident reference went away: $!\n" unless defined $n;
    $sent += $n;
}

my $answer = '';
while (1) {
    my $n = sysread($socket, $answer, 65536, length $answer);
    die "$self: the resident reference went away: $!\n" unless defined $n;
    last if $n == 0;
}
die "$self: the resident reference closed the call without an answer\n" if length($answer) < 12;
my ($code, $out, $err) = unpack('N N/a* N/a*', $answer);

# All of each, as a plugin process would write it.
sub put {
    my ($fh, $bytes) = @_;
    binmode $fh;
    for (my $done = 0; $done < length $bytes; ) {
        my $n = syswrite($fh, $bytes, length($bytes) - $done, $done);
        if (!defined $n) { next if $! == 11; exit 1 }    # EAGAIN: a full non-blocking pipe
        $done += $n;
    }
}
put(\*STDOUT, $out);
put(\*STDERR, $err);
exit $code;
