// Stands in for an npm script whose part of the product is not built yet: says so and fails.
const [script, issue] = process.argv.slice(2);
console.error(`npm run ${script}: not built yet (see issue ${issue}).`);
process.exit(1);
