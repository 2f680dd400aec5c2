// The heart toggle: a real form (works without JavaScript) that sets or clears a favourite and comes back here.
import { Form, useLocation } from "@remix-run/react";

type FavouriteButtonProps = { activityId: string; title: string; favourite: boolean };

export function FavouriteButton({ activityId, title, favourite }: FavouriteButtonProps) {
  const location = useLocation();
  return (
    <Form method="post" action="/young/favourites" className="favourite-form" preventScrollReset>
      <input type="hidden" name="activityId" value={activityId} />
      <input type="hidden" name="favourite" value={favourite ? "false" : "true"} />
      <input type="hidden" name="redirectTo" value={location.pathname + location.search} />
      <button type="submit" className={`favourite-button${favourite ? " favourite-button--on" : ""}`}>
        <svg className="favourite-button__heart" viewBox="0 0 24 24" width="24" height="24" aria-hidden="true" focusable="false">
          <path d="M12 20.5s-7.5-4.6-9.2-9.3C1.6 7.8 3.9 4.5 7.3 4.5c2 0 3.5 1.1 4.7 2.7 1.2-1.6 2.7-2.7 4.7-2.7 3.4 0 5.7 3.3 4.5 6.7-1.7 4.7-9.2 9.3-9.2 9.3z" />
        </svg>
        <span>{favourite ? "Saved" : "Save"}</span>
        <span className="visually-hidden">{favourite ? `: tap to remove ${title} from favourites` : ` ${title} to favourites`}</span>
      </button>
    </Form>
  );
}
