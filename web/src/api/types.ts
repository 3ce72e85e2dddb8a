// The shapes of Baserow's public API that the web page reads.

export interface Workspace {
  id: number;
  name: string;
  order: number;
}

export interface Table {
  id: number;
  name: string;
  order: number;
  database_id: number;
}

export interface Database {
  id: number;
  name: string;
  order: number;
  type: string;
  workspace: { id: number; name: string };
  tables: Table[];
}

export interface SelectOption {
  id: number;
  value: string;
  color: string;
}

export interface Field {
  id: number;
  table_id: number;
  name: string;
  order: number;
  type: string;
  primary: boolean;
  read_only: boolean;
  number_decimal_places?: number;
  number_negative?: boolean;
  date_include_time?: boolean;
  date_format?: string;
  select_options?: SelectOption[];
  link_row_table_id?: number | null;
  link_row_table_primary_field?: Field | null;
  max_value?: number;
  duration_format?: string;
  [key: string]: unknown;
}

export type Row = { id: number; order: string } & Record<string, unknown>;

export interface RowPage {
  count: number;
  next: string | null;
  previous: string | null;
  results: Row[];
}

export type Permission = boolean | Array<["database" | "table", number]>;

export interface DatabaseToken {
  id: number;
  name: string;
  workspace: number;
  key: string;
  permissions: Record<"create" | "read" | "update" | "delete", Permission>;
}

export interface LinkValue {
  id: number;
  value: string;
}

/** The field types whose cells the user may edit in the grid. */
export const EDITABLE_TYPES = [
  "text", "long_text", "url", "email", "phone_number", "number", "rating", "boolean", "date",
  "single_select", "multiple_select", "link_row", "duration",
] as const;

/** Types offered when adding or retyping a field, with their labels. */
export const FIELD_TYPES: Array<[string, string]> = [
  ["text", "Single line text"],
  ["long_text", "Long text"],
  ["number", "Number"],
  ["rating", "Rating"],
  ["boolean", "Boolean"],
  ["date", "Date"],
  ["single_select", "Single select"],
  ["multiple_select", "Multiple select"],
  ["link_row", "Link to table"],
  ["url", "URL"],
  ["email", "Email"],
  ["phone_number", "Phone number"],
  ["duration", "Duration"],
  ["created_on", "Created on"],
  ["last_modified", "Last modified"],
  ["autonumber", "Autonumber"],
  ["uuid", "UUID"],
];

export const OPTION_COLORS = [
  "blue", "green", "red", "yellow", "orange", "purple", "light-blue", "light-green", "light-red",
  "dark-blue", "dark-green", "gray",
];
