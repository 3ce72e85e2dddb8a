export function TokensPage() {
  return <div className="settings"><h2>Database tokens</h2></div>;
}
