// FameEngine benchmarks: compile one Solidity standard-JSON input with the solc-js pinned in
// package.json. Reads the input on stdin (every source inlined by benchmarks/anchors.py, so no
// import callback is needed) and prints {"version": ..., "output": <standard-JSON output>}.
"use strict";
const solc = require("solc");

const chunks = [];
process.stdin.on("data", (chunk) => chunks.push(chunk));
process.stdin.on("end", () => {
  const input = Buffer.concat(chunks).toString("utf8");
  const output = JSON.parse(solc.compile(input));
  process.stdout.write(JSON.stringify({ version: solc.version(), output }));
});
