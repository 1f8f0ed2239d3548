import { readRepoFile } from './repo';

/** One instruction: keyword upper-cased, arguments with continuation lines joined. */
export interface Instruction {
  keyword: string;
  args: string;
  line: number;
}

export interface Stage {
  /** Base image with build arguments substituted, or the name of the earlier stage it starts from. */
  from: string;
  name: string | undefined;
  /** The earlier stage this one starts from (FROM <stage>), whose files and ENV it inherits. */
  parent: Stage | undefined;
  instructions: Instruction[];
}

export interface Dockerfile {
  stages: Stage[];
  /** The stage the image is made of (the last one). */
  final: Stage;
}

/** Instructions whose arguments Docker expands with ARG and ENV values (RUN: the shell does, alike). */
const EXPANDED = new Set(['ADD', 'COPY', 'ENV', 'EXPOSE', 'LABEL', 'RUN', 'STOPSIGNAL', 'USER', 'VOLUME', 'WORKDIR']);

/** `$NAME` and `${NAME}` of the given variables replaced; any other `$` is left to the shell. */
const expand = (text: string, values: Record<string, string>) =>
  text.replace(/\$\{(\w+)\}|\$(\w+)/g, (whole, braced: string | undefined, bare: string | undefined) => values[(braced ?? bare)!] ?? whole);

/**
 * Parses a Dockerfile well enough to check it: comments and the parser directive dropped,
 * backslash continuations joined (comment lines inside them dropped too, as Docker does), and
 * build arguments substituted as `docker build --build-arg` would: ARGs declared before the first
 * FROM into FROM lines, ARGs a stage declares into that stage's instructions (CMD, ENTRYPOINT and
 * HEALTHCHECK run later, in the container, where build arguments do not exist).
 */
export function parseDockerfile(text: string, buildArgs: Record<string, string> = {}): Dockerfile {
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

  const argument = (declaration: string, defaults: Record<string, string>): [string, string | undefined] => {
    const [key, value] = declaration.split('=') as [string, string | undefined];
    return [key, buildArgs[key] ?? value ?? defaults[key]];
  };
  const globalArgs: Record<string, string> = {};
  const stages: Stage[] = [];
  let stageArgs: Record<string, string> = {};
  for (const instruction of instructions) {
    if (instruction.keyword === 'FROM') {
      const [image, as, name] = instruction.args.split(' ');
      const from = expand(image!, globalArgs);
      const parent = stages.find((stage) => stage.name === from);
      stages.push({ from, name: as?.toUpperCase() === 'AS' ? name : undefined, parent, instructions: [] });
      stageArgs = {};
    } else if (stages.length === 0) {
      if (instruction.keyword === 'ARG') {
        const [key, value] = argument(instruction.args, {});
        globalArgs[key] = value ?? '';
      }
    } else {
      if (instruction.keyword === 'ARG') {
        const [key, value] = argument(instruction.args, globalArgs);
        stageArgs[key] = value ?? '';
      }
      const args = EXPANDED.has(instruction.keyword) ? expand(instruction.args, stageArgs) : instruction.args;
      stages.at(-1)!.instructions.push({ ...instruction, args });
    }
  }
  if (stages.length === 0) throw new Error('no FROM in Dockerfile');
  return { stages, final: stages.at(-1)! };
}

/** The one Dockerfile of the repository, as built for a service (`--build-arg SERVICE=<service>`). */
export function dockerfileOf(service: string): Dockerfile {
  return parseDockerfile(readRepoFile('Dockerfile'), { SERVICE: service });
}

/** The image a stage is built on, through the stages it starts from. */
export const baseImageOf = (stage: Stage): string => (stage.parent ? baseImageOf(stage.parent) : stage.from);

/** The instructions that made a stage: its parents' first, then its own. */
export const lineageOf = (stage: Stage): Instruction[] => [...(stage.parent ? lineageOf(stage.parent) : []), ...stage.instructions];

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
