/**
 * `render --format F`: which selected definitions can have the formats asked for. A definition whose
 * type has none of them is skipped (not built, no file, no history snapshot) with a warning naming
 * the types that have the format; when no definition is left, nothing would be written and the
 * run is a usage error (exit 2) rather than "rendered, 0 files".
 */
import { ExitCode, InfracastError } from '../errors.js';
import { FORMATS_OF_TYPE, typesWithFormat } from '../model/definitions.js';
import type { OutputDefinition, OutputFormat } from '../model/definitions.js';

/** The formats a definition's type can have. */
export function formatsOfType(definition: OutputDefinition): readonly OutputFormat[] {
  return FORMATS_OF_TYPE[definition.kind][definition.type] ?? [];
}

/** The formats of a definition on this run: its own, or the override where its type allows them. */
export function formatsOf(definition: OutputDefinition, override: readonly OutputFormat[] | undefined): OutputFormat[] {
  const allowed = formatsOfType(definition);
  return override ? override.filter((f) => allowed.includes(f)) : [...definition.formats];
}

const named = (d: OutputDefinition): string => `${d.outputName} (${d.type})`;

/**
 * The definitions to render and the warnings about formats they cannot have; throws a usage error
 * when the override leaves no definition anything to render.
 */
export function planFormats(
  definitions: readonly OutputDefinition[],
  override: readonly OutputFormat[] | undefined,
): { definitions: OutputDefinition[]; warnings: string[] } {
  if (!override) return { definitions: [...definitions], warnings: [] };
  const kept = definitions.filter((d) => formatsOf(d, override).length > 0);
  const asked = [...new Set(override)];
  const flag = asked.map((f) => `--format ${f}`).join(' ');
  if (kept.length === 0) {
    throw new InfracastError(
      'FORMAT_NOT_APPLICABLE',
      `${flag}: no selected definition can be rendered as ${asked.join(' or ')} (${definitions.map((d) => `${d.outputName}: ${d.type}`).join('; ')}): ${asked
        .map((f) => `${f} is a format of ${typesWithFormat(f)}`)
        .join('; ')}`,
      {
        exitCode: ExitCode.Usage,
        hints: [
          `Ask for a format the selected types have (${[...new Map(definitions.map((d) => [d.type, `${d.type}: ${formatsOfType(d).join(', ')}`])).values()].join('; ')}), or select definitions of a type that has ${asked.join(' or ')}.`,
        ],
      },
    );
  }
  const warnings: string[] = [];
  for (const format of asked) {
    const without = definitions.filter((d) => !formatsOfType(d).includes(format));
    if (without.length === 0) continue;
    const skipped = without.filter((d) => !kept.includes(d));
    const partial = without.filter((d) => kept.includes(d));
    const parts = [
      ...(skipped.length > 0 ? [`${skipped.map(named).join(', ')} skipped`] : []),
      ...(partial.length > 0 ? [`not for ${partial.map(named).join(', ')}`] : []),
    ];
    warnings.push(`--format ${format}: ${parts.join('; ')}: ${format} is a format of ${typesWithFormat(format)}`);
  }
  return { definitions: kept, warnings };
}
