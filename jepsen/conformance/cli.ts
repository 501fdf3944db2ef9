import { main } from "../cli.ts";

interface Output {
  log(text: string): void;
  error(text: string): void;
}

/** `mps3-verified conformance <argv>`, for tests that run the command against a server. */
export async function conformanceMain(argv: string[], output: Output = console): Promise<number> {
  return main(["conformance", ...argv], { out: (text) => output.log(text), err: (text) => output.error(text) });
}
