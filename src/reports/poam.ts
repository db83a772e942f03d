/**
 * The poam report (spec "Report Types": Plan of Action and Milestones): the rows of the one POA&M
 * store (evaluation.md section 6, model/poam.ts) as they stand after this run. Open items first,
 * by id; closed items are counted (the poam document lists them on their own sheet).
 */
import type { DefinitionOptions } from '../model/definitions.js';
import type { PoamItem, PoamStore } from '../model/poam.js';
import type { Provenance, ReportModel, Table } from '../model/report-model.js';
import { reportMeta } from './meta.js';

export interface PoamReportInput {
  options: DefinitionOptions;
  frameworks: string[];
  tenant: { id: string; name: string };
  store: PoamStore;
  /** The run's day, YYYY-MM-DD: items past their scheduled completion are overdue. */
  today: string;
  generatedAt: string;
  provenance: Provenance;
}

const RATINGS = ['High', 'Moderate', 'Low'] as const;

function row(item: PoamItem, today: string) {
  return {
    id: item.id,
    status: item.status,
    controls: item.controls.join(', '),
    weakness: item.weakness_name,
    detector: item.weakness_detector,
    source_id: item.weakness_source_id,
    assets: item.assets.length,
    asset_list: item.assets.join(', '),
    detected: item.original_detection_date,
    detected_by_run: item.detection_date_basis === 'first-seen-by-infracast' ? 'yes' : 'no',
    due: item.scheduled_completion_date,
    overdue: item.status === 'open' && item.scheduled_completion_date < today ? 'yes' : 'no',
    closed: item.closure_date ?? null,
    original_rating: item.original_risk_rating,
    adjusted_rating: item.adjusted_risk_rating,
    risk_adjustment: item.risk_adjustment,
    false_positive: item.false_positive,
    operational_requirement: item.operational_requirement,
    deviations: item.deviations.join(', ') || null,
    vendor_dependency: item.vendor_dependency,
    reopens: item.reopens ?? null,
  };
}

export function buildPoamReport(input: PoamReportInput): ReportModel {
  const open = input.store.items.filter((i) => i.status === 'open');
  const closed = input.store.items.filter((i) => i.status === 'closed');
  const rows = open.map((i) => row(i, input.today));
  const table: Table = {
    id: 'poam',
    title: 'POA&M items',
    columns: [
      { key: 'id', label: 'POA&M ID', type: 'string' },
      { key: 'status', label: 'Status', type: 'status' },
      { key: 'controls', label: 'Controls', type: 'string' },
      { key: 'weakness', label: 'Weakness', type: 'string' },
      { key: 'detector', label: 'Detector', type: 'string' },
      { key: 'source_id', label: 'Source id', type: 'string' },
      { key: 'assets', label: 'Assets', type: 'number' },
      { key: 'asset_list', label: 'Asset identifiers', type: 'string' },
      { key: 'detected', label: 'Original detection date', type: 'date' },
      { key: 'detected_by_run', label: 'Detection date first seen by Infracast (the export had no time)', type: 'string' },
      { key: 'due', label: 'Scheduled completion date', type: 'date' },
      { key: 'overdue', label: 'Overdue', type: 'string' },
      { key: 'closed', label: 'Closure date', type: 'date' },
      { key: 'original_rating', label: 'Original risk rating', type: 'severity' },
      { key: 'adjusted_rating', label: 'Adjusted risk rating', type: 'severity' },
      { key: 'risk_adjustment', label: 'Risk adjustment', type: 'string' },
      { key: 'false_positive', label: 'False positive', type: 'string' },
      { key: 'operational_requirement', label: 'Operational requirement', type: 'string' },
      { key: 'deviations', label: 'Deviations', type: 'string' },
      { key: 'vendor_dependency', label: 'Vendor dependency', type: 'string' },
      { key: 'reopens', label: 'Recurrence of', type: 'string' },
    ],
    rows: [...rows, ...closed.map((i) => row(i, input.today))],
  };
  return {
    kind: 'poam',
    meta: reportMeta(input.options, {
      title: input.options.title ?? 'Plan of Action and Milestones',
      tenant: input.tenant,
      frameworks: input.frameworks,
      generatedAt: input.generatedAt,
    }),
    provenance: input.provenance,
    sections: [
      {
        id: 'summary',
        heading: 'Summary',
        level: 2,
        data: {
          open: open.length,
          closed: closed.length,
          overdue: rows.filter((r) => r.overdue === 'yes').length,
          detectedByRun: rows.filter((r) => r.detected_by_run === 'yes').length,
          byRating: RATINGS.map((rating) => ({ rating, open: open.filter((i) => i.adjusted_risk_rating === rating).length })),
          pendingDeviations: open.filter((i) => [i.risk_adjustment, i.false_positive, i.operational_requirement].includes('Pending')).length,
          vendorDependencies: open.filter((i) => i.vendor_dependency === 'Yes').length,
        },
      },
      { id: 'items', heading: 'Open items', level: 2, data: { items: rows } },
    ],
    tables: [table],
  };
}
