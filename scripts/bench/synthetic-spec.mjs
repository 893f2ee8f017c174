// A synthetic landing zone: N tables of about 20 columns, each table after the first
// referencing one or two earlier tables, with a declared business key. Deterministic.
const TYPES = ['int', 'bigint', 'text', 'varchar(40)', 'decimal(18,2)', 'date', 'timestamptz', 'boolean'];

export function syntheticSpecYaml(tables, model = `bench_${tables}`) {
  const lines = ['version: 1', `model: ${model}`, 'description: synthetic benchmark model', 'tables:'];
  for (let i = 0; i < tables; i++) {
    const name = `entity_${i}`;
    lines.push(`  ${name}:`, `    business_key: [${name}_id]`, '    columns:', `      ${name}_id: { type: bigint, nullable: false }`);
    const refs = [];
    if (i > 0) refs.push((i * 7919) % i);
    if (i > 1 && i % 3 === 0) refs.push((i * 104729) % (i - 1));
    const unique = [...new Set(refs)];
    for (const r of unique) lines.push(`      ref_${r}_id: bigint`);
    for (let c = 0; c < 19 - unique.length; c++) lines.push(`      attribute_${c}: ${TYPES[(i + c) % TYPES.length]}`);
    lines.push('      updated_at: { type: timestamptz, role: technical }');
    if (unique.length) {
      lines.push('    references:');
      for (const r of unique) lines.push(`      - { columns: [ref_${r}_id], table: entity_${r}, role: ref_${r} }`);
    }
  }
  return `${lines.join('\n')}\n`;
}
