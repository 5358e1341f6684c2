#!/bin/bash
# What one sandboxed run's start costs, piece by piece: CPU time (perf stat's task-clock, every process of the
# chain included) of the validator's launch with the exact flags BubblewrapCommandLine builds, of that launch with
# one piece removed or changed, and of each process of the chain alone. CPU, not wall: on a shared machine wall time
# measures the neighbours; on a quiet one the two agree (the chain never waits on anything but its own children).
# Run as root (as a validator does, dropping to uid 65534). Prints name=value lines, milliseconds per run.
#   bench/Bounties/bwrap-start-profile.sh [runs]      (default 200 runs per line; needs perf and bubblewrap)
set -euo pipefail
runs=${1:-200}
command -v perf >/dev/null || { echo "needs perf (apt-get install linux-perf)" >&2; exit 2; }
scratch=$(mktemp -d /tmp/l402-bwrap-profile-XXXXXX)
trap 'rm -rf "$scratch"' EXIT
chmod 711 "$scratch"
mkdir -p "$scratch/work" "$scratch/data"
for f in eval.sh config.txt; do echo x > "$scratch/work/$f"; done
echo x > "$scratch/data/labels.txt"
chmod -R a+rX "$scratch/work" "$scratch/data"

setpriv=(/usr/bin/setpriv --reuid 65534 --regid 65534 --clear-groups --)
head=(--unshare-all --die-with-parent --new-session --cap-drop ALL --hostname sandbox)
env=(--clearenv --setenv PATH /usr/local/bin:/usr/bin:/bin --setenv HOME /work --setenv TMPDIR /tmp --setenv LC_ALL C --setenv L402_EVAL_DATA /data)
system=()
for p in /usr /bin /sbin /lib /lib32 /lib64 /libx32 /etc/alternatives /etc/ld.so.cache /etc/ld.so.conf /etc/ld.so.conf.d; do
  if [ -L "$p" ]; then system+=(--symlink "$(readlink "$p")" "$p"); elif [ -e "$p" ]; then system+=(--ro-bind "$p" "$p"); fi
done
mounts=(--proc /proc --dev /dev --size 67108864 --tmpfs /tmp --size 268435456 --tmpfs /work
  --ro-bind "$scratch/work" /source --ro-bind "$scratch/data" /data --remount-ro / --chdir /work --)
prlimit=(/usr/bin/prlimit --cpu=10:11 --as=536870912 --nproc=64 --fsize=16777216 --core=0 --nofile=256 --)
copyin='cp -R -p /source/. /work/ || exit 125'

cpu() { # name, command...: mean task-clock in ms over $runs runs, in the launch environment (PATH and LC_ALL only)
  local name=$1; shift
  local ms
  ms=$(env -i PATH=/usr/bin:/bin LC_ALL=C perf stat -x, -e task-clock -r "$runs" -- "$@" 2>&1 >/dev/null | awk -F, '/task-clock/ { print $1 }')
  echo "$name=$ms"
}
cpu bwrap_cpu_host_true_ms /bin/true
cpu bwrap_cpu_before_ms "${setpriv[@]}" /usr/bin/bwrap "${head[@]}" "${env[@]}" "${system[@]}" "${mounts[@]}" "${prlimit[@]}" /bin/sh -c "$copyin; exec /bin/sh -c \"\$1\"" sh true
cpu bwrap_cpu_one_shell_ms "${setpriv[@]}" /usr/bin/bwrap "${head[@]}" "${env[@]}" "${system[@]}" "${mounts[@]}" "${prlimit[@]}" /bin/sh -c "$copyin
true" sh
cpu bwrap_cpu_no_prlimit_ms "${setpriv[@]}" /usr/bin/bwrap "${head[@]}" "${env[@]}" "${system[@]}" "${mounts[@]}" /bin/sh -c "$copyin
true" sh
cpu bwrap_cpu_no_copyin_ms "${setpriv[@]}" /usr/bin/bwrap "${head[@]}" "${env[@]}" "${system[@]}" "${mounts[@]}" "${prlimit[@]}" /bin/sh -c true
cpu bwrap_cpu_bwrap_only_ms "${setpriv[@]}" /usr/bin/bwrap "${head[@]}" "${env[@]}" "${system[@]}" "${mounts[@]}" /bin/true
cpu bwrap_cpu_no_net_ns_ms "${setpriv[@]}" /usr/bin/bwrap --unshare-user --unshare-ipc --unshare-pid --unshare-uts --unshare-cgroup "${head[@]:1}" "${env[@]}" "${system[@]}" "${mounts[@]}" /bin/true
cpu bwrap_cpu_no_pid_ns_ms "${setpriv[@]}" /usr/bin/bwrap --unshare-user --unshare-ipc --unshare-net --unshare-uts --unshare-cgroup "${head[@]:1}" "${env[@]}" "${system[@]}" "${mounts[@]}" /bin/true
cpu bwrap_cpu_usr_bind_only_ms "${setpriv[@]}" /usr/bin/bwrap "${head[@]}" "${env[@]}" --ro-bind /usr /usr --symlink usr/bin /bin --symlink usr/lib /lib --symlink usr/lib64 /lib64 "${mounts[@]}" /bin/true
cpu bwrap_cpu_no_proc_dev_ms "${setpriv[@]}" /usr/bin/bwrap "${head[@]}" "${env[@]}" "${system[@]}" "${mounts[@]:4}" /bin/true
cpu bwrap_cpu_minimal_userns_all_ms "${setpriv[@]}" /usr/bin/bwrap --unshare-all --ro-bind / / /bin/true
cpu bwrap_cpu_minimal_root_ms /usr/bin/bwrap --ro-bind / / /bin/true
cpu bwrap_cpu_setpriv_alone_ms "${setpriv[@]}" /bin/true
cpu bwrap_cpu_prlimit_alone_ms "${prlimit[@]}" /bin/true
cpu bwrap_cpu_sh_exec_sh_ms /bin/sh -c 'exec /bin/sh -c "$1"' sh true
cpu bwrap_cpu_sh_alone_ms /bin/sh -c true
