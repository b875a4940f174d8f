#!/bin/sh
# Three "hosts" on one machine for MPI tests and benchmarks: network namespaces PREFIX0..PREFIX2, each with a veth
# into a bridge PREFIXbr in the root namespace (10.199.77.1/24), addresses 10.199.77.2-4, and optionally a netem delay
# on the pair PREFIX0-PREFIX1 only (both directions, so a message between them takes DELAY_US longer one way).
#
#   scripts/mpi-netns.sh up PREFIX [DELAY_US]   create (after removing any left over)
#   scripts/mpi-netns.sh down PREFIX            remove
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
