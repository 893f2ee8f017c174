/**
 * A Northwind-shaped landing schema with real FOREIGN KEY constraints and a few real rows: an
 * association table (customer_customer_demo → customers, customer_demographics), a table
 * referencing itself (employees.reports_to), an order with three parents, order details keyed by
 * two references. Types as in the Northwind dump for PostgreSQL (bpchar keys, smallint ids).
 */
export const NORTHWIND_TABLES = [
  'categories',
  'customer_customer_demo',
  'customer_demographics',
  'customers',
  'employee_territories',
  'employees',
  'order_details',
  'orders',
  'products',
  'region',
  'shippers',
  'suppliers',
  'territories',
] as const;

export function northwindSchemaSql(schema: string): string[] {
  const s = `"${schema}"`;
  return [
    `CREATE SCHEMA ${s}`,
    `CREATE TABLE ${s}.categories (category_id smallint PRIMARY KEY, category_name varchar(15) NOT NULL, description text)`,
    `CREATE TABLE ${s}.customer_demographics (customer_type_id bpchar PRIMARY KEY, customer_desc text)`,
    `CREATE TABLE ${s}.customers (customer_id bpchar PRIMARY KEY, company_name varchar(40) NOT NULL, contact_name varchar(30), city varchar(15), country varchar(15))`,
    `CREATE TABLE ${s}.customer_customer_demo (
       customer_id bpchar NOT NULL REFERENCES ${s}.customers,
       customer_type_id bpchar NOT NULL REFERENCES ${s}.customer_demographics,
       PRIMARY KEY (customer_id, customer_type_id))`,
    `CREATE TABLE ${s}.employees (employee_id smallint PRIMARY KEY, last_name varchar(20) NOT NULL, first_name varchar(10) NOT NULL, title varchar(30), reports_to smallint REFERENCES ${s}.employees)`,
    `CREATE TABLE ${s}.suppliers (supplier_id smallint PRIMARY KEY, company_name varchar(40) NOT NULL, country varchar(15))`,
    `CREATE TABLE ${s}.products (product_id smallint PRIMARY KEY, product_name varchar(40) NOT NULL, supplier_id smallint REFERENCES ${s}.suppliers, category_id smallint REFERENCES ${s}.categories, unit_price real, discontinued integer NOT NULL)`,
    `CREATE TABLE ${s}.region (region_id smallint PRIMARY KEY, region_description bpchar NOT NULL)`,
    `CREATE TABLE ${s}.territories (territory_id varchar(20) PRIMARY KEY, territory_description bpchar NOT NULL, region_id smallint NOT NULL REFERENCES ${s}.region)`,
    `CREATE TABLE ${s}.employee_territories (employee_id smallint NOT NULL REFERENCES ${s}.employees, territory_id varchar(20) NOT NULL REFERENCES ${s}.territories, PRIMARY KEY (employee_id, territory_id))`,
    `CREATE TABLE ${s}.shippers (shipper_id smallint PRIMARY KEY, company_name varchar(40) NOT NULL, phone varchar(24))`,
    `CREATE TABLE ${s}.orders (order_id smallint PRIMARY KEY, customer_id bpchar REFERENCES ${s}.customers, employee_id smallint REFERENCES ${s}.employees, order_date date, ship_via smallint REFERENCES ${s}.shippers, freight real)`,
    `CREATE TABLE ${s}.order_details (
       order_id smallint NOT NULL REFERENCES ${s}.orders, product_id smallint NOT NULL REFERENCES ${s}.products,
       unit_price real NOT NULL, quantity smallint NOT NULL, discount real NOT NULL, PRIMARY KEY (order_id, product_id))`,
  ];
}

/** The team's real rows: what `vault seed` must never replace unasked. */
export function northwindRowsSql(schema: string): string[] {
  const s = `"${schema}"`;
  return [
    `INSERT INTO ${s}.categories VALUES (1, 'Beverages', 'Soft drinks, coffees, teas'), (2, 'Condiments', 'Sweet and savory sauces')`,
    `INSERT INTO ${s}.customer_demographics VALUES ('A', 'Retail'), ('B', 'Wholesale')`,
    `INSERT INTO ${s}.customers VALUES ('ALFKI', 'Alfreds Futterkiste', 'Maria Anders', 'Berlin', 'Germany'), ('ANATR', 'Ana Trujillo Emparedados', 'Ana Trujillo', 'México D.F.', 'Mexico'), ('ANTON', 'Antonio Moreno Taquería', 'Antonio Moreno', 'México D.F.', 'Mexico')`,
    `INSERT INTO ${s}.customer_customer_demo VALUES ('ALFKI', 'A'), ('ANTON', 'B')`,
    `INSERT INTO ${s}.employees VALUES (2, 'Fuller', 'Andrew', 'Vice President, Sales', NULL), (1, 'Davolio', 'Nancy', 'Sales Representative', 2), (3, 'Leverling', 'Janet', 'Sales Representative', 2)`,
    `INSERT INTO ${s}.suppliers VALUES (1, 'Exotic Liquids', 'UK'), (2, 'New Orleans Cajun Delights', 'USA')`,
    `INSERT INTO ${s}.products VALUES (1, 'Chai', 1, 1, 18, 0), (2, 'Chang', 1, 1, 19, 0), (3, 'Aniseed Syrup', 2, 2, 10, 0)`,
    `INSERT INTO ${s}.region VALUES (1, 'Eastern'), (2, 'Western')`,
    `INSERT INTO ${s}.territories VALUES ('01581', 'Westboro', 1), ('98004', 'Bellevue', 2)`,
    `INSERT INTO ${s}.employee_territories VALUES (1, '01581'), (3, '98004')`,
    `INSERT INTO ${s}.shippers VALUES (1, 'Speedy Express', '(503) 555-9831'), (2, 'United Package', '(503) 555-3199')`,
    `INSERT INTO ${s}.orders VALUES (10248, 'ALFKI', 1, '1996-07-04', 1, 32.38), (10249, 'ANTON', 3, '1996-07-05', 2, 11.61)`,
    `INSERT INTO ${s}.order_details VALUES (10248, 1, 14, 12, 0), (10248, 3, 9.8, 10, 0), (10249, 2, 18.6, 9, 0)`,
  ];
}
