#!/usr/bin/env node
// Example NetnsPolicy client in Node.js (@grpc/grpc-js + @grpc/proto-loader, protos loaded at run time):
// submits a comparison of teardown policies on a workload, prints progress to stderr, then prints the
// report (Markdown) to stdout. Exit codes: 0 report printed, 1 usage or RPC error, 2 the run did not succeed.
//
//   node compare.js --server 127.0.0.1:5180 --workload ../../../workloads/burst-1000-veth.json \
//        --policy baseline=upstream --policy batched=batching:batch_size=32 --seeds 1,2 --replications 1
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const grpc = require('@grpc/grpc-js');
const protoLoader = require('@grpc/proto-loader');

const PROTO_ROOT = path.resolve(__dirname, '..', '..', '..', 'protos');
const DEADLINE_MS = 120_000;

function usage(message) {
  if (message) console.error(`error: ${message}`);
  console.error('usage: compare.js --server HOST:PORT (--workload FILE | --builtin NAME) --policy LABEL=SPEC[:k=v,...] ... ' +
    '[--baseline LABEL] [--seeds 1,2,3] [--replications N] [--kernel-profile ID]');
  process.exit(1);
}

function parseArgs(argv) {
  const args = { policies: [], seeds: [], replications: 0 };
  for (let i = 0; i < argv.length; i++) {
    const key = argv[i];
    const value = argv[++i];
    if (value === undefined) usage(`${key} needs a value`);
    switch (key) {
      case '--server': args.server = value; break;
      case '--workload': args.workload = { json: fs.readFileSync(value, 'utf8') }; break;
      case '--builtin': args.workload = { builtin: value }; break;
      case '--baseline': args.baseline = value; break;
      case '--kernel-profile': args.kernelProfile = value; break;
      case '--replications': args.replications = Number.parseInt(value, 10); break;
      case '--seeds': args.seeds = value.split(',').map((s) => s.trim()); break;
      case '--policy': args.policies.push(parsePolicy(value)); break;
      default: usage(`unknown option ${key}`);
    }
  }
  if (!args.server) usage('--server is required');
  if (!args.workload) usage('--workload or --builtin is required');
  if (args.policies.length < 2) usage('give at least two --policy');
  return args;
}

// "label=spec:k=v,k2=v2" → { label, policy, parameters }
function parsePolicy(text) {
  const eq = text.indexOf('=');
  if (eq <= 0) usage(`--policy ${text}: expected LABEL=SPEC[:k=v,...]`);
  const label = text.slice(0, eq);
  const [policy, params] = text.slice(eq + 1).split(/:(.*)/s);
  const parameters = {};
  for (const pair of (params || '').split(',').filter(Boolean)) {
    const [k, v] = pair.split('=');
    parameters[k] = v;
  }
  return { label, policy, parameters };
}

function loadServices() {
  const definition = protoLoader.loadSync(['netnspolicy/v1/runs.proto'], {
    includeDirs: [PROTO_ROOT],
    keepCase: true,
    longs: String,
    enums: String,
    defaults: true,
    oneofs: true,
  });
  return grpc.loadPackageDefinition(definition).netnspolicy.v1;
}

const deadline = () => new Date(Date.now() + DEADLINE_MS);

function unary(client, method, request) {
  return new Promise((resolve, reject) => {
    client[method](request, { deadline: deadline() }, (error, response) => (error ? reject(error) : resolve(response)));
  });
}

function watch(client, runId) {
  return new Promise((resolve, reject) => {
    let last = null;
    const call = client.WatchRun({ run_id: runId }, { deadline: deadline() });
    call.on('data', (progress) => {
      last = progress;
      const pct = (progress.fraction_done * 100).toFixed(1);
      console.error(`[${progress.state}] ${pct}% ${progress.simulations_done}/${progress.simulations_total} simulations, phase ${progress.phase}`);
    });
    call.on('error', reject);
    call.on('end', () => resolve(last));
  });
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const v1 = loadServices();
  const client = new v1.RunService(args.server, grpc.credentials.createInsecure());
  try {
    const run = await unary(client, 'SubmitComparison', {
      workload: args.workload,
      kernel_profile: args.kernelProfile || '',
      policies: args.policies,
      baseline: args.baseline || '',
      seeds: { seeds: args.seeds, replications: args.replications },
      description: 'node example client',
    });
    console.error(`run ${run.id} accepted: ${run.simulations_total} simulations, ${run.simulations_from_store} from the store`);
    const final = await watch(client, run.id);
    if (!final || final.state !== 'RUN_STATE_SUCCEEDED') {
      console.error(`run ${run.id} ended ${final ? final.state : 'without a final message'}: ${final && final.final_run ? final.final_run.status_detail : ''}`);
      return 2;
    }
    const report = await unary(client, 'GetReport', { run_id: run.id, formats: ['REPORT_FORMAT_MARKDOWN'] });
    for (const policy of report.report.policies) {
      const verdicts = policy.metrics.map((m) => `${m.metric}=${m.verdict}`).join(' ');
      console.log(`policy ${policy.policy}${policy.is_baseline ? ' (baseline)' : ''}: ${verdicts}`);
    }
    console.log(report.artifacts[0].content);
    return 0;
  } catch (error) {
    console.error(`rpc failed: ${error.code} ${error.details}`);
    return 1;
  } finally {
    client.close();
  }
}

main().then((code) => process.exit(code));
