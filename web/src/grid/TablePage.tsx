import { findTable, useTree } from "../sidebar/tree";

export function TablePage(props: { tableId: number }) {
  const tree = useTree();
  const found = findTable(tree, props.tableId);
  return <div className="table-page"><h2>{found?.table.name ?? ""}</h2></div>;
}
