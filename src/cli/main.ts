export async function main(argv: string[]): Promise<number> {
  console.log(`jobagent: ${argv.join(" ")}`);
  return 0;
}
