import { readRepoFile } from './repo';

/** One instruction: keyword upper-cased, arguments with continuation lines joined. */
export interface Instruction {
  keyword: string;
  args: string;
  line: number;
}

export interface Stage {
  /** Base image with build arguments substituted. */
  from: string;
  name: string | undefined;
  instructions: Instruction[];
}

export interface Dockerfile {
  stages: Stage[];
  /** The stage the image is made of (the last one). */
  final: Stage;
}

/**
 * Parses a Dockerfile well enough to check it: comments and the parser directive dropped,
 * backslash continuations joined (comment lines inside them dropped too, as Docker does), ARGs
 * declared before the first FROM substituted into FROM lines.
 */
export function parseDockerfile(text: string): Dockerfile {
  const instructions: Instruction[] = [];
  let current: { text: string; line: number } | undefined;
  for (const [index, raw] of text.split('\n').entries()) {
    const trimmed = raw.trim();
    if (trimmed.startsWith('#') || (!current && trimmed === '')) continue;
    const continued = trimmed.endsWith('\\');
    const part = continued ? trimmed.slice(0, -1) : trimmed;
    current = current ? { text: `${current.text} ${part}`, line: current.line } : { text: part, line: index + 1 };
    if (!continued) {
      const match = /^(\S+)\s*([\s\S]*)$/.exec(current.text.trim())!;
      instructions.push({ keyword: match[1]!.toUpperCase(), args: match[2]!.replace(/\s+/g, ' ').trim(), line: current.line });
      current = undefined;
    }
  }

  const globalArgs: Record<string, string> = {};
  const stages: Stage[] = [];
  for (const instruction of instructions) {
    if (instruction.keyword === 'FROM') {
      const [image, as, name] = instruction.args.split(' ');
      const from = image!.replace(/\$\{?(\w+)\}?/g, (_, arg: string) => globalArgs[arg] ?? '');
      stages.push({ from, name: as?.toUpperCase() === 'AS' ? name : undefined, instructions: [] });
    } else if (stages.length === 0) {
      if (instruction.keyword === 'ARG') {
        const [key, value] = instruction.args.split('=');
        globalArgs[key!] = value ?? '';
      }
    } else {
      stages.at(-1)!.instructions.push(instruction);
    }
  }
  if (stages.length === 0) throw new Error('no FROM in Dockerfile');
  return { stages, final: stages.at(-1)! };
}

/** The Dockerfile of a service. */
export function dockerfileOf(service: string): Dockerfile {
  return parseDockerfile(readRepoFile(`${service}/Dockerfile`));
}

/** The instructions of a stage with a keyword. */
export const instructionsOf = (stage: Stage, keyword: string): Instruction[] =>
  stage.instructions.filter((instruction) => instruction.keyword === keyword);

/** An exec-form (JSON array) command, e.g. CMD ["node", "dist/main.js"]; throws for the shell form. */
export function execForm(args: string): string[] {
  if (!args.startsWith('[')) throw new Error(`expected the exec form (JSON array), got: ${args}`);
  const parsed: unknown = JSON.parse(args);
  if (!Array.isArray(parsed) || !parsed.every((item) => typeof item === 'string')) throw new Error(`not a JSON array of strings: ${args}`);
  return parsed;
}

/** The variables ENV sets in a stage (`ENV A=1 B=2` form). */
export function envOf(stage: Stage): Record<string, string> {
  const env: Record<string, string> = {};
  for (const { args } of instructionsOf(stage, 'ENV')) {
    for (const match of args.matchAll(/(\w+)=("[^"]*"|\S*)/g)) env[match[1]!] = match[2]!.replace(/^"|"$/g, '');
  }
  return env;
}

/** The last WORKDIR of a stage (absolute). */
export function workdirOf(stage: Stage): string | undefined {
  return instructionsOf(stage, 'WORKDIR').at(-1)?.args;
}

/** The command the image runs: ENTRYPOINT followed by CMD, both in exec form. */
export function startCommandOf(stage: Stage): string[] {
  const entrypoint = instructionsOf(stage, 'ENTRYPOINT').at(-1);
  const cmd = instructionsOf(stage, 'CMD').at(-1);
  if (!cmd && !entrypoint) throw new Error('the final stage has neither CMD nor ENTRYPOINT');
  return [...(entrypoint ? execForm(entrypoint.args) : []), ...(cmd ? execForm(cmd.args) : [])];
}

/** The HEALTHCHECK command (exec form) and its options. */
export function healthcheckOf(stage: Stage): { options: string; command: string[] } | undefined {
  const healthcheck = instructionsOf(stage, 'HEALTHCHECK').at(-1);
  if (!healthcheck) return undefined;
  const match = /^(.*?)\bCMD\s+(.*)$/.exec(healthcheck.args);
  if (!match) throw new Error(`HEALTHCHECK without CMD: ${healthcheck.args}`);
  return { options: match[1]!.trim(), command: execForm(match[2]!) };
}
