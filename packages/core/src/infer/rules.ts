/**
 * The inference rules, as data: an id that evidence and `vault explain` cite, and the line
 * that says what the rule does. docs/inference.md lists the same rules.
 */
export const RULES = {
  'bk.declared': 'the table declares business_key: those columns are the business key',
  'bk.primary_key': 'no declared business key: the primary key is the business key',
  'bk.unique_key': 'no declared or primary key: the first unique key is the business key',
  'bk.naming': "no declared key: a column named like the table's key (<entity>_id, <entity>key, <entity>_code, id, x_<stem>key, ...) is the business key",
  'bk.prefixed_reference': "a prefixed key (ps_partkey) that is also another table's key with the same stem (p_partkey in part, whose name is closer) is a reference, not this table's key",
  'table.hub': 'a table with its own business key that is not made only of references becomes a hub',
  'table.hub_override': 'the spec says kind: hub',
  'table.association': 'the business key is made only of references to other hubs: the table is an association and becomes a link',
  'table.keyless_references': 'no business key but references to two or more hubs: the table becomes a link',
  'table.association_child_keys':
    'the business key is references to two or more hubs plus columns named like line numbers (*_line, *_line_no, *linenumber, *_seq, *_no, *_nr): the table becomes a link with those columns as dependent child keys',
  'table.link_override': 'the spec says kind: link',
  'table.non_historized_link_override': 'the spec says kind: non_historized_link: a table of events, one link row per event, insert-only',
  'table.event':
    'a table named like events (*_transaction(s), *_payment(s), *_event(s), *_log) with an id of its own, references to hubs, an event date or time, no column that updates rows (updated_at, is_deleted, op, valid_to, ...) and no table referencing it becomes a non-historized link',
  'table.multi_active':
    'a table whose key is one reference to a hub plus columns named like a type, kind or sequence (*_type, *_kind, *_seq, *_sequence), with no other reference to a hub, no hub/link/satellites/dependent_child_keys/duplicates setting and no table referencing it, holds several active rows per key of that hub: it becomes a multi-active satellite of the hub',
  'table.multi_active_declared':
    "the spec declares multi_active_key: the table becomes a multi-active satellite of the hub its other key columns reference, those columns telling a key's active rows apart",
  'table.reference_override': 'the spec says kind: reference: the table is a code list and becomes a reference table',
  'table.code_list':
    'a table named like a code list (ref_*, lkp_*, lookup_*, *_type(s), *_status(es), *_code(s), *_kind(s), *_grade(s), *_lookup, *_states, currencies, countries, regions, languages, rating_grades) with one key column holding a code (text named code, *_code, *_cd, *_abbr, *_iso*, iso_* or like the entity; or a small integer named *_code), at most 4 descriptive columns, no references, no hub/link/satellites/dependent_child_keys setting and no table holding its code in its own key becomes a reference table',
  'table.delete_flag':
    'the spec names a delete flag (deletes: { flag }), or a boolean column is named like one (is_deleted, deleted, deleted_flag, is_removed, removed, delete_flag, del_ind, ...): true marks a deleted key; the flag stays payload of its satellite',
  'table.cdc_operation':
    'the spec names an operation column (deletes: { operation, delete_values }), or a text column is named like one (op, operation, cdc_operation, op_type, operation_type, change_type, dml_type, ...): its delete values (default D, DELETE, case-insensitive) mark a deleted key; the column is technical, kept out of payloads',
  'ref.code_reference': "columns of other tables carry the reference table's code: lookups (never links), joined to the current descriptions in the business vault",
  'hub.same_concept': 'several tables carry the same business concept: one hub, loaded from each of them',
  'hub.implied_by_key_column': 'a <concept>_id / <concept>_key column that no table owns: a hub of its own, loaded from every table that carries it',
  'link.declared_reference': 'the spec declares a reference (a foreign key)',
  'link.naming': "a column is named like another table's business key (or <entity>_id for a table keyed by id): a reference",
  'link.role_named': 'a column is <role>_<key of another table> (manager_staff_id → staff): a reference under that role',
  'link.implied_hub': 'a column carries the key of an implied hub: a reference to it',
  'link.prefixed_naming': "a column <p>_<stem>key is named like another table's key <q>_<stem>key (TPC-H's l_orderkey and o_orderkey): a reference",
  'link.dependent_child_key':
    "a link table's key column that is no reference (or, in a table without a key, a column named like a line number: *_line, *_line_no, *linenumber, *_seq, *_no, *_nr) is a dependent child key: part of the link's hash key and stored in the link",
  'link.dependent_child_key_declared': "the spec declares dependent_child_keys: those columns are part of the link's hash key and stored in the link",
  'link.event_id': "an event table's key columns that are no reference are the event's own id: part of the non-historized link's hash key and stored in it",
  'nhl.attributes': "an event's other columns (but technical and ignored ones) are stored in the non-historized link itself, as first loaded: no satellite",
  'nhl.name': 'a non-historized link is named after its table (payments → payment), unless the spec names it with link',
  'link.per_relationship': 'a table that becomes a hub forms one link per reference, its own hub and the referenced hub (with its role): independent relationships keep independent histories',
  'link.unit_of_work': 'a table that becomes a link (association, keyless with references, kind: link) forms one link of all its references: a unit of work, one fact that only exists whole',
  'link.unit_of_work_declared': 'the spec names one link for a table that becomes a hub (link:): its own hub and all its references form one unit-of-work link',
  'link.driving_key': "a link formed by a table that becomes a hub is driven by that hub: its relationship to the link's other hubs is what changes over time",
  'link.driving_key_declared': 'the spec declares driving_key on a link table: the hubs of those reference columns drive the link, and the other hubs are what changes over time',
  'link.effectivity':
    "a link with a driving key (a hub table's own reference, or driving_key on a link table) gets an effectivity satellite: when each driving key's relationship starts and ends; the table's effectivity: false switches it off",
  'link.same_relationship': 'several tables form a link of the same name over the same hubs (same roles, same dependent child keys): one link, loaded from each of them',
  'link.name_from_hubs':
    "a link is named after its hubs (with roles); when that name would pass 50 bytes, <table>_relationship (one link of the table's references) or, for the link of a hub table's reference, its own hub and the last words of the referenced hub that fit (else <table>_relationship_<n>, n the reference's position); a link table's link whose name another table's relationship link has takes its table's name",
  'sat.default': 'descriptive columns of a table go to one satellite per table and parent',
  'sat.override': 'the spec assigns these columns to a named satellite',
  'sat.sensitive': 'columns that look sensitive (password, ssn, email, phone, iban, birth date, ...) or are marked role: sensitive go to a separate satellite',
  'sat.technical': 'technical columns (load/update timestamps, CDC operation columns, role: technical) stay out of satellite payloads; a delete flag stays (table.delete_flag)',
  'sat.referenced_hub':
    "the spec puts columns of a table in a satellite of a hub the table references (parent:): its parent key is the reference's columns, and rows without the reference are not loaded",
  'sat.status_tracking':
    'a table whose batches are the whole source (batches: full) or that marks deletes gets a status tracking satellite on its own hub (or its link, for a link table): a row each time a key appears, disappears from a full batch, or is marked deleted',
  'sat.link_satellite': "an association table's descriptive columns go to a link satellite",
  'bv.snapshot_control': "the spec's snapshots: settings give the model one snapshot control, a table of as-of dates",
  'bv.pit':
    'with snapshots, every hub and link with two or more satellites of any kind (or each one business_vault.pits lists) gets a point-in-time table: per snapshot date and key, a pointer into each satellite at its row valid then',
  'bv.business_hub': 'one business hub per hub',
  'bv.business_satellite': "one business satellite per hub, bringing the hub's (not sensitive) satellites together with its derived attributes",
  'bv.business_link': 'one business link per link',
  'bv.business_link_events': "one business link per non-historized link, offering the event's attributes (sensitive ones left out) as its own columns: one fact row per event",
  'bv.business_link_satellite': 'one business link satellite per link with descriptive data, bringing its link satellites together',
  'bv.rules': "the spec's business rules (derived attributes, filter) for this entity",
  'bv.reference_lookup': "a business satellite whose columns carry a reference table's code gets the code's current descriptions joined in",
  'al.presentation_view': 'a presentation view per business hub: current values, flattened',
  'al.dimensional_model': 'the spec asks for a dimensional model: facts from a link, dimensions from its hubs; or facts from a hub, dimensions from the other hubs of the links it drives',
  'al.reporting_view': 'the spec asks for a reporting view',
} as const;

export type RuleId = keyof typeof RULES;
