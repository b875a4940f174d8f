#!/bin/sh
# Three "hosts" on one machine for MPI tests and benchmarks: network namespaces PREFIX0..PREFIX2, each with a veth
# into a bridge PREFIXbr in the root namespace (10.199.77.1/24), addresses 10.199.77.2-4, and optionally a netem delay
# on the pair PREFIX0-PREFIX1 only (both directions, so a message between them takes DELAY_US longer one way).
#
#   scripts/mpi-netns.sh up PREFIX [DELAY_US]   create (after removing any left over)
#   scripts/mpi-netns.sh up-delay-line PREFIX DELAY_US
#                                               the same hosts without netem (kernels without sch_netem): a data
#                                               network 10.199.78.0/24 on TUN devices "dl0" through scripts/delay-line.c,
#                                               a user-space switch that holds packets of the pair 0-1 for DELAY_US
#                                               (use btl_tcp_if_include 10.199.78.0/24; the bridge stays for mpirun)
#   scripts/mpi-netns.sh down PREFIX            remove (and stop the delay line)
#   scripts/mpi-netns.sh agent PREFIX HOST CMD  OpenMPI's "remote shell" (--mca plm_rsh_agent "mpi-netns.sh agent PREFIX"):
#                                               runs CMD in HOST's namespace, with its own host name PREFIXn
#   scripts/mpi-netns.sh hosts                  the three addresses, comma-separated, for mpirun --host
#
# Needs root (CAP_NET_ADMIN and CAP_SYS_ADMIN), iproute2 (ip, tc) and util-linux (unshare). mpirun then runs with
#   --host 10.199.77.2,10.199.77.3,10.199.77.4 --mca plm_rsh_agent "scripts/mpi-netns.sh agent PREFIX"
#   --mca btl tcp,self --mca btl_tcp_if_include 10.199.77.0/24 --mca oob_tcp_if_include 10.199.77.0/24
set -eu
SUBNET=10.199.77
command=${1:?usage: mpi-netns.sh up|down|agent|hosts ...}

case "$command" in
hosts)
    echo "$SUBNET.2,$SUBNET.3,$SUBNET.4"
    ;;
down)
    prefix=${2:?prefix}
    pidfile="${TMPDIR:-/tmp}/$prefix-delay-line.pid"
    if [ -f "$pidfile" ]; then kill "$(cat "$pidfile")" 2>/dev/null || true; rm -f "$pidfile"; fi
    for i in 0 1 2; do ip netns del "$prefix$i" 2>/dev/null || true; ip link del "${prefix}v$i" 2>/dev/null || true; done
    ip link del "${prefix}br" 2>/dev/null || true
    ;;
up)
    prefix=${2:?prefix}
    delay=${3:-0}
    "$0" down "$prefix"
    ip link add "${prefix}br" type bridge
    ip addr add "$SUBNET.1/24" dev "${prefix}br"
    ip link set "${prefix}br" up
    for i in 0 1 2; do
        ns="$prefix$i"
        ip netns add "$ns"
        ip link add "${prefix}v$i" type veth peer name eth0 netns "$ns"
        ip link set "${prefix}v$i" master "${prefix}br" up
        ip -n "$ns" addr add "$SUBNET.$((i + 2))/24" dev eth0
        ip -n "$ns" link set eth0 up
        ip -n "$ns" link set lo up
    done
    if [ "$delay" != 0 ]; then
        # A prio qdisc whose third band (netem) takes only the packets to the other host of the pair.
        for pair in "0 3" "1 2"; do
            set -- $pair
            ns="$prefix$1"
            ip netns exec "$ns" tc qdisc add dev eth0 root handle 1: prio
            ip netns exec "$ns" tc qdisc add dev eth0 parent 1:3 handle 30: netem delay "${delay}us"
            ip netns exec "$ns" tc filter add dev eth0 protocol ip parent 1:0 prio 3 u32 match ip dst "$SUBNET.$(($2 + 1))/32" flowid 1:3
        done
    fi
    ;;
up-delay-line)
    prefix=${2:?prefix}
    delay=${3:?delay in microseconds}
    "$0" up "$prefix" 0
    here=$(dirname "$0")
    binary="${TMPDIR:-/tmp}/$prefix-delay-line"
    ready="$binary.ready"
    rm -f "$ready"
    cc -O2 -pthread -o "$binary" "$here/delay-line.c"
    "$binary" "$ready" "$delay" "${prefix}0" "${prefix}1" "${prefix}2" </dev/null >/dev/null 2>&1 &
    echo $! > "$binary.pid"
    for _ in $(seq 100); do [ -f "$ready" ] && break; sleep 0.05; done
    [ -f "$ready" ] || { echo "mpi-netns.sh: the delay line did not start" >&2; exit 1; }
    for i in 0 1 2; do
        ip -n "$prefix$i" addr add "10.199.78.$((i + 2))/24" dev dl0
        ip -n "$prefix$i" link set dl0 up
    done
    ;;
agent)
    prefix=${2:?prefix}
    host=${3:?host}
    shift 3
    index=$((${host##*.} - 2))
    exec ip netns exec "$prefix$index" unshare --uts sh -c "hostname $prefix$index; $*"
    ;;
*)
    echo "mpi-netns.sh: unknown command $command (use up, down, agent or hosts)" >&2
    exit 64
    ;;
esac
