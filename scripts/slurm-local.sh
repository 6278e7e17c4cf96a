#!/usr/bin/env bash
# A single-node Slurm cluster on 127.0.0.1 for the cluster-backend tests (and for developers):
#   bash scripts/slurm-local.sh install   # Debian packages (slurmctld slurmd slurm-client munge)
#   bash scripts/slurm-local.sh start     # writes the config, starts munged, slurmctld, slurmd
#   bash scripts/slurm-local.sh env       # prints `export SLURM_CONF=…` for this cluster
#   bash scripts/slurm-local.sh stop      # stops the daemons by the PIDs this script started
# Everything lives in $THEORYLAB_SLURM_DIR (default /tmp/theorylab-slurm); nothing global is edited
# except the munge key the Debian package creates. Needs root (munged and slurmd run as root here).
set -euo pipefail
DIR="${THEORYLAB_SLURM_DIR:-/tmp/theorylab-slurm}"
CONF="$DIR/slurm.conf"
CPUS="${THEORYLAB_SLURM_CPUS:-2}"

install() {
  if command -v sbatch >/dev/null && command -v slurmctld >/dev/null && command -v slurmd >/dev/null && command -v munged >/dev/null; then return; fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq slurmctld slurmd slurm-client munge >/dev/null
}

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

write_conf() {
  mkdir -p "$DIR/ctld" "$DIR/spool" "$DIR/log" "$DIR/munge"
  local host; host="$(hostname -s)"
  local ctld_port slurmd_port
  ctld_port="$(free_port)"; slurmd_port="$(free_port)"
  cat > "$CONF" <<CONF
ClusterName=theorylab
SlurmctldHost=${host}(127.0.0.1)
SlurmctldPort=${ctld_port}
SlurmdPort=${slurmd_port}
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=${DIR}/munge/munge.socket
CredType=cred/munge
StateSaveLocation=${DIR}/ctld
SlurmdSpoolDir=${DIR}/spool
SlurmctldPidFile=${DIR}/slurmctld.pid
SlurmdPidFile=${DIR}/slurmd.pid
SlurmctldLogFile=${DIR}/log/slurmctld.log
SlurmdLogFile=${DIR}/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
MpiDefault=none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
JobAcctGatherType=jobacct_gather/none
SlurmctldTimeout=30
SlurmdTimeout=30
InactiveLimit=0
MinJobAge=300
KillWait=5
Waittime=0
NodeName=${host} NodeAddr=127.0.0.1 CPUs=${CPUS} State=UNKNOWN
PartitionName=debug Nodes=${host} Default=YES MaxTime=INFINITE State=UP
CONF
}

start() {
  install
  stop >/dev/null 2>&1 || true
  write_conf
  munged --force --socket="$DIR/munge/munge.socket" --pid-file="$DIR/munge/munged.pid" \
    --log-file="$DIR/log/munged.log" --seed-file="$DIR/munge/seed"
  slurmctld -f "$CONF" -i
  slurmd -f "$CONF" -N "$(hostname -s)"
  export SLURM_CONF="$CONF"
  for _ in $(seq 1 60); do
    if sinfo -h -o '%T' 2>/dev/null | grep -qE '^(idle|mixed|allocated)'; then
      echo "slurm: up (SLURM_CONF=$CONF)"; return 0
    fi
    sleep 1
  done
  echo "slurm: the node did not come up; logs in $DIR/log" >&2
  tail -n 20 "$DIR/log/"*.log >&2 || true
  return 1
}

stop() {
  for f in "$DIR/slurmd.pid" "$DIR/slurmctld.pid" "$DIR/munge/munged.pid"; do
    if [ -f "$f" ]; then
      local pid; pid="$(cat "$f")"
      kill "$pid" 2>/dev/null || true
      for _ in $(seq 1 20); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
      kill -9 "$pid" 2>/dev/null || true
      rm -f "$f"
    fi
  done
  echo "slurm: stopped"
}

case "${1:-}" in
  install) install ;;
  start) start ;;
  stop) stop ;;
  env) echo "export SLURM_CONF=$CONF" ;;
  *) echo "usage: $0 install|start|stop|env" >&2; exit 2 ;;
esac
