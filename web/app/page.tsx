import { Suspense } from "react";
import { CreateForm } from "@/components/create-form";
import { HomeHeading } from "@/components/home-heading";

/** Home: start a remix from a video or URL. */
export default function HomePage() {
  return (
    <>
      <HomeHeading />
      <Suspense>
        <CreateForm />
      </Suspense>
    </>
  );
}
