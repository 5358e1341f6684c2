#!/usr/bin/env bash
# Brings up compose.regtest.yml: the chain and both LND nodes, 101 blocks for a spendable coinbase,
# 5 BTC to each node, a channel each way (the peer pays deposits and fees to the coordinator, the
# coordinator pays rewards back), then PostgreSQL, the migration and the two silos; waits until both
# answer /health. Idempotent: a second run tops nothing up twice and opens no second channel.
# Not run where it was written (no Docker there): see docs/deploy.md.
set -euo pipefail
cd "$(dirname "$0")/../.."

compose() { docker compose -f compose.regtest.yml "$@"; }
btc() { compose exec -T bitcoind bitcoin-cli -regtest -rpcuser=l402train -rpcpassword=l402train "$@"; }
lncli() { local node=$1; shift; compose exec -T "$node" lncli --network=regtest "$@"; }
json() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }
mine() { btc generatetoaddress "$1" "$(btc getnewaddress)" >/dev/null; }
wait_for() { # wait_for <what> <command...>: retries for a minute
  local what=$1; shift
  for _ in $(seq 1 180); do "$@" >/dev/null 2>&1 && return 0; sleep 1; done
  echo "setup: timed out (3 min) waiting for $what" >&2; return 1
}

echo "setup: starting bitcoind and the two LND nodes"
compose up -d bitcoind lnd-coordinator lnd-peer
wait_for "bitcoind" btc getblockchaininfo
btc createwallet miner >/dev/null 2>&1 || btc loadwallet miner >/dev/null 2>&1 || true
if [ "$(btc getblockcount)" -lt 101 ]; then mine 101; fi
for node in lnd-coordinator lnd-peer; do
  wait_for "$node" lncli "$node" getinfo
  wait_for "$node to sync to the chain" sh -c "docker compose -f compose.regtest.yml exec -T $node lncli --network=regtest getinfo | grep -q '\"synced_to_chain\": true'"
done

for node in lnd-coordinator lnd-peer; do
  confirmed=$(lncli "$node" walletbalance | json 'd["confirmed_balance"]')
  if [ "$confirmed" -lt 100000000 ]; then
    address=$(lncli "$node" newaddress p2wkh | json 'd["address"]')
    btc sendtoaddress "$address" 5 >/dev/null
    echo "setup: sent 5 BTC to $node"
  fi
done
mine 6
for node in lnd-coordinator lnd-peer; do
  wait_for "$node's funds" sh -c "[ \$(docker compose -f compose.regtest.yml exec -T $node lncli --network=regtest walletbalance | python3 -c 'import json,sys; print(json.load(sys.stdin)[\"confirmed_balance\"])') -ge 100000000 ]"
done

coordinator_key=$(lncli lnd-coordinator getinfo | json 'd["identity_pubkey"]')
peer_key=$(lncli lnd-peer getinfo | json 'd["identity_pubkey"]')
lncli lnd-peer connect "$coordinator_key@lnd-coordinator:9735" >/dev/null 2>&1 || true
wait_for "the nodes to connect" sh -c "docker compose -f compose.regtest.yml exec -T lnd-peer lncli --network=regtest listpeers | grep -q $coordinator_key"

open_channel() { # open_channel <from> <to pubkey>: 10M sat with 5M pushed, unless one is open or pending
  local from=$1 to=$2
  local open pending
  open=$(lncli "$from" listchannels | json "sum(1 for c in d['channels'] if c['remote_pubkey']=='$to' and c['initiator'])")
  pending=$(lncli "$from" pendingchannels | json "sum(1 for c in d['pending_open_channels'] if c['channel']['remote_node_pub']=='$to')")
  if [ "$open" -eq 0 ] && [ "$pending" -eq 0 ]; then
    lncli "$from" openchannel --node_key "$to" --local_amt 10000000 --push_amt 5000000 >/dev/null
    echo "setup: opened a channel $from -> $to"
  fi
}
open_channel lnd-peer "$coordinator_key"
open_channel lnd-coordinator "$peer_key"
mine 6
wait_for "two active channels" sh -c "[ \$(docker compose -f compose.regtest.yml exec -T lnd-peer lncli --network=regtest listchannels --active_only | python3 -c 'import json,sys; print(len(json.load(sys.stdin)[\"channels\"]))') -ge 2 ]"

echo "setup: starting PostgreSQL, the migration and the two silos"
compose up -d --build postgres migrate coordinator-creds peer-creds silo-a silo-b
for port in 8402 8403; do
  wait_for "the silo on :$port to be ready" curl -fsS "http://127.0.0.1:$port/health"
done
echo "setup: ready. silo-a http://127.0.0.1:8402  silo-b http://127.0.0.1:8403"
echo "  a training peer:   docker compose -f compose.regtest.yml --profile agents run --rm peer"
echo "  a bounty sponsor:  docker compose -f compose.regtest.yml --profile agents run --rm sponsor   (prints the bounty id)"
echo "  a bounty agent:    BOUNTY_ID=<id> docker compose -f compose.regtest.yml --profile agents run --rm agent"
echo "  the ledger:        docker compose -f compose.regtest.yml exec silo-a dotnet /app/silo/L402Train.Silo.dll ledger check --silo-port 11112"
