'use strict';
// The frame of a checker of several named cases (check-run-db*.js), run as
//   node CHECKER OUT_DIR SCENARIO.json
// cases() returns { dir, sc (the scenario), check(name, cond, what), report() }:
// check records WHAT as a failure of case NAME unless COND holds, and report
// prints one PASS or FAIL line per case checked (its first four failures).
const fs = require('fs');

function cases() {
  const [dir, scenFile] = process.argv.slice(2);
  const results = {};
  return {
    dir,
    sc: JSON.parse(fs.readFileSync(scenFile, 'utf8')),
    check: (name, c, what) => {
      results[name] = results[name] || [];
      if (!c) results[name].push(what);
    },
    report: () => {
      for (const [k, f] of Object.entries(results))
        console.log(f.length ? `FAIL ${k}: ${f.slice(0, 4).join('; ')}` : `PASS ${k}`);
    },
  };
}

module.exports = { cases };
