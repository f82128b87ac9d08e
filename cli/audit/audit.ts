/**
 * `reliakit audit DIR`: strict schema validation (Kubernetes 1.28 and the CRDs in imports/crds),
 * the cross-object rules and the reliability rules over any manifest directory, ours or
 * hand-written; a report grouped by file and object, and an exit code for CI.
 */
import { objectLabel, readManifests } from '../manifests';
import { CommandResult, count, ExitCode } from '../result';
import { AUDIT_RULES, Finding, runRules } from './rules';
import { SchemaValidator } from './schema-validator';

export interface AuditOptions {
  /** The manifest directory. */
  readonly dir: string;
  /** Fail (exit 1) on warnings too. */
  readonly strict?: boolean;
  /** A kind with no schema (a CRD not in imports/crds) is a warning instead of an error. */
  readonly ignoreMissingSchemas?: boolean;
  /** Print the findings as JSON instead of the report. */
  readonly json?: boolean;
}

const SCHEMA_RULE = 'schema';

/** The schema findings of every object, with unreadable documents as findings too. */
export function schemaFindings(dir: string, ignoreMissingSchemas = false): { findings: Finding[]; objects: number; files: number } {
  const tree = readManifests(dir);
  const validator = SchemaValidator.load();
  const findings: Finding[] = tree.unreadable.map((u) => ({
    rule: 'yaml',
    severity: 'error',
    file: u.file,
    object: `document ${u.index + 1}`,
    message: u.message,
  }));
  for (const l of tree.objects) {
    for (const v of validator.validate(l.object)) {
      const missingSchema = v.message.startsWith('no schema for ');
      findings.push({
        rule: SCHEMA_RULE,
        severity: missingSchema && ignoreMissingSchemas ? 'warning' : 'error',
        file: l.file,
        object: objectLabel(l.object),
        message: v.path === '' ? v.message : `${v.path}: ${v.message}`,
      });
    }
  }
  return { findings: [...findings, ...runRules(tree.objects)], objects: tree.objects.length, files: tree.files.length };
}

/** Runs the audit; exit 1 on any error (or warning with `strict`). */
export function audit(options: AuditOptions): CommandResult {
  let result: ReturnType<typeof schemaFindings>;
  try {
    result = schemaFindings(options.dir, options.ignoreMissingSchemas);
  } catch (e) {
    return { exitCode: ExitCode.USAGE, stdout: '', stderr: `error: ${(e as Error).message}\n` };
  }
  const { findings } = result;
  const errors = findings.filter((f) => f.severity === 'error').length;
  const warnings = findings.length - errors;
  const failed = errors > 0 || (options.strict === true && warnings > 0);
  const exitCode = failed ? ExitCode.FINDINGS : ExitCode.OK;
  if (options.json) return { exitCode, stdout: `${JSON.stringify({ errors, warnings, findings }, null, 2)}\n`, stderr: '' };
  return { exitCode, stdout: formatReport(findings, result.objects, result.files, options.dir), stderr: '' };
}

/** The findings grouped by file, then object, in file order; a summary line last. */
export function formatReport(findings: readonly Finding[], objects: number, files: number, dir: string): string {
  const lines: string[] = [];
  const byFile = new Map<string, Map<string, Finding[]>>();
  for (const f of findings) {
    const objs = byFile.get(f.file) ?? new Map<string, Finding[]>();
    objs.set(f.object, [...(objs.get(f.object) ?? []), f]);
    byFile.set(f.file, objs);
  }
  const width = Math.max(0, ...findings.map((f) => f.rule.length));
  for (const file of [...byFile.keys()].sort()) {
    lines.push(file);
    for (const [object, list] of byFile.get(file)!) {
      lines.push(`  ${object}`);
      for (const f of list) lines.push(`    ${f.severity === 'error' ? 'error  ' : 'warning'}  ${f.rule.padEnd(width)}  ${f.message}`);
    }
    lines.push('');
  }
  const errors = findings.filter((f) => f.severity === 'error').length;
  const ruleCount = AUDIT_RULES.length + 1;
  lines.push(
    `${dir}: ${count(objects, 'object')} in ${count(files, 'file')}, ${ruleCount} rules (Kubernetes 1.28 and CRD schemas, ` +
      `${AUDIT_RULES.map((r) => r.id).join(', ')}): ${count(errors, 'error')}, ${count(findings.length - errors, 'warning')}`,
  );
  return `${lines.join('\n')}\n`;
}
