"""What `mwatch demo` prints of the database it filled."""

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from storage import db
from storage.models import (
    Base,
    Deputy,
    Mandate,
)

SHOWN_DEPUTIES = 6


def summary(url: str) -> str:
    lines = ["stored:"]
    with db.session_for(url) as session:
        for table in Base.metadata.sorted_tables:
            count = session.scalar(select(func.count()).select_from(table))
            lines.append(f"  {table.name:<18} {count:>6}")
        deputies = session.scalars(
            select(Deputy)
            .options(selectinload(Deputy.names), selectinload(Deputy.mandates))
            .order_by(Deputy.mazhilis_id)
            .limit(SHOWN_DEPUTIES)
        ).all()
        lines.append(f"\nthe first {len(deputies)} deputies, with every name form:")
        for deputy in deputies:
            mandate: Mandate | None = deputy.mandates[0] if deputy.mandates else None
            where = ""
            if mandate is not None:
                where = (
                    f"district {mandate.district_number}, {mandate.region_ru}"
                    if mandate.deputy_type == "single_mandate"
                    else "party list"
                )
                where += f"; {mandate.party or 'independent'}"
            lines.append(f"  #{deputy.mazhilis_id} ({where})")
            for name in deputy.names:
                lines.append(f"      {name.lang}: {name.full_name}")
    return "\n".join(lines)
