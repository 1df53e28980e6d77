"""HTML pages of the tax office: `office` (overview, assessment, taxpayers, exports), `tables` (tax years and
price tables), `parcel_import`; `office_access` holds their access checks."""
