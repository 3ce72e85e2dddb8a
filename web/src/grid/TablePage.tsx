export function TablePage(props: { tableId: number }) {
  return <div className="table-page">Table {props.tableId}</div>;
}
