// Readable sentences for the API's error codes whose `detail` is empty (as Baserow's are).

const MESSAGES: Record<string, string> = {
  ERROR_EMAIL_ALREADY_EXISTS: "An account with this email already exists.",
  ERROR_DISABLED_SIGNUP: "Signing up is disabled on this server.",
  ERROR_INVALID_OLD_PASSWORD: "The current password is not correct.",
  ERROR_USER_NOT_IN_GROUP: "You are not a member of this workspace.",
  ERROR_USER_INVALID_GROUP_PERMISSIONS: "You do not have the permissions to do this in this workspace.",
  ERROR_GROUP_USER_IS_LAST_ADMIN: "You are the last admin of this workspace.",
  ERROR_APPLICATION_NOT_IN_GROUP: "That database is not in this workspace.",
  ERROR_TABLE_NOT_IN_DATABASE: "That table is not in this database.",
  ERROR_INITIAL_SYNC_TABLE_DATA_LIMIT_EXCEEDED: "Too many rows to import at once.",
  ERROR_MAX_FIELD_COUNT_EXCEEDED: "This table has reached the maximum number of fields.",
  ERROR_CANNOT_DELETE_PRIMARY_FIELD: "The primary field cannot be deleted.",
  ERROR_CANNOT_CHANGE_FIELD_TYPE: "This field cannot be changed to that type.",
  ERROR_LINK_ROW_TABLE_NOT_PROVIDED: "Choose the table to link to.",
  ERROR_LINK_ROW_TABLE_NOT_IN_SAME_DATABASE: "A link can only point to a table of the same database.",
  ERROR_SELF_REFERENCING_LINK_ROW_CANNOT_HAVE_RELATED_FIELD: "A link to the same table cannot have a related field.",
  ERROR_SELECT_OPTION_DOES_NOT_BELONG_TO_FIELD: "That option does not belong to this field.",
  ERROR_ORDER_BY_FIELD_NOT_FOUND: "A sorted field no longer exists.",
  ERROR_ORDER_BY_FIELD_NOT_POSSIBLE: "This field cannot be sorted.",
  ERROR_FILTER_FIELD_NOT_FOUND: "A filtered field no longer exists.",
  ERROR_VIEW_FILTER_TYPE_DOES_NOT_EXIST: "That filter does not exist.",
  ERROR_VIEW_FILTER_TYPE_UNSUPPORTED_FIELD: "That filter does not apply to this field's type.",
  ERROR_FILTERS_PARAM_VALIDATION_ERROR: "The filters are not valid.",
};

/** The sentence to show for an error code, or the code made readable. */
export function messageFor(code: string): string {
  return MESSAGES[code] ?? code.replace(/^ERROR_/, "").replace(/_/g, " ").toLowerCase().replace(/^./, (c) => c.toUpperCase());
}
