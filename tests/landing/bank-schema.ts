/**
 * A landing schema built by the tests of `vault validate` and `vault init`: composite keys, a
 * role-named foreign key (two references from one table to the same hub, and a self reference),
 * an association table, a unique key, comments, and a type the spec has no word for.
 */
export function bankSchemaSql(schema: string): string[] {
  const s = `"${schema}"`;
  return [
    `CREATE SCHEMA ${s}`,
    `CREATE TABLE ${s}.branch (branch_code varchar(8) PRIMARY KEY, branch_name text NOT NULL, region text)`,
    `COMMENT ON TABLE ${s}.branch IS 'A branch of the bank.'`,
    `CREATE TABLE ${s}.customer (
       customer_id int PRIMARY KEY,
       tax_number varchar(20) NOT NULL UNIQUE,
       full_name text NOT NULL,
       segment text,
       home_branch_code varchar(8) REFERENCES ${s}.branch (branch_code),
       referred_by_customer_id int REFERENCES ${s}.customer (customer_id),
       tags text[],
       updated_at timestamptz(3)
     )`,
    `COMMENT ON COLUMN ${s}.customer.full_name IS 'Legal name, as on the contract.'`,
    `CREATE TABLE ${s}.account (
       country_code char(2) NOT NULL,
       account_number varchar(34) NOT NULL,
       customer_id int NOT NULL REFERENCES ${s}.customer (customer_id),
       branch_code varchar(8) REFERENCES ${s}.branch (branch_code),
       opened_on date,
       balance numeric(18,2),
       PRIMARY KEY (country_code, account_number)
     )`,
    `CREATE TABLE ${s}.account_holder (
       holder_customer_id int NOT NULL REFERENCES ${s}.customer (customer_id),
       country_code char(2) NOT NULL,
       account_number varchar(34) NOT NULL,
       FOREIGN KEY (account_number, country_code) REFERENCES ${s}.account (account_number, country_code)
     )`,
    `CREATE TABLE ${s}.transfer (
       transfer_id bigint PRIMARY KEY,
       from_country_code char(2) NOT NULL,
       from_account_number varchar(34) NOT NULL,
       to_country_code char(2) NOT NULL,
       to_account_number varchar(34) NOT NULL,
       amount numeric(18,2) NOT NULL,
       booked_at timestamp NOT NULL,
       FOREIGN KEY (from_country_code, from_account_number) REFERENCES ${s}.account (country_code, account_number),
       FOREIGN KEY (to_country_code, to_account_number) REFERENCES ${s}.account (country_code, account_number)
     )`,
  ];
}
