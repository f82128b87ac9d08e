import { AlertRule, Severity } from '../../../../lib/observability/alerting/alert-rule';
import { SymptomAlertProps } from '../../../../lib/observability/alerting/symptoms/symptom-builder';

export const BASE: SymptomAlertProps = {
  service: 'homepage-api',
  severity: Severity.TICKET,
  runbookUrl: 'https://runbooks.example.com/homepage/api',
};
export const PODS = { namespace: 'homepage', pods: 'homepage-api-[a-z0-9]+-[a-z0-9]+' };

/** Every field of an AlertRule, its further labels and annotations included. */
export type RuleFields = Pick<
  AlertRule,
  'name' | 'expr' | 'for' | 'severity' | 'summary' | 'description' | 'runbookUrl' | 'labels' | 'annotations' | 'group'
>;

/** The rule as plain data, so a table compares all of it at once. */
export function fieldsOf(rule: AlertRule): RuleFields {
  return {
    name: rule.name,
    expr: rule.expr,
    for: rule.for,
    severity: rule.severity,
    summary: rule.summary,
    description: rule.description,
    runbookUrl: rule.runbookUrl,
    labels: rule.labels,
    annotations: rule.annotations,
    group: rule.group,
  };
}
